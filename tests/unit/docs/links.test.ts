/**
 * Every relative link in README.md and docs/*.md points to a file that exists and, when it names
 * an anchor in a Markdown page, to a heading of that page.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { anchors, docPages, relativeLinks, ROOT } from '../../support/markdown';

const anchorCache = new Map<string, Set<string>>();
function anchorsOf(file: string): Set<string> {
  if (!anchorCache.has(file)) anchorCache.set(file, anchors(readFileSync(file, 'utf8')));
  return anchorCache.get(file)!;
}

describe.each(docPages())('%s', (page) => {
  it('has only relative links that resolve', () => {
    const broken: string[] = [];
    for (const { line, target } of relativeLinks(readFileSync(join(ROOT, page), 'utf8'))) {
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const file = path ? normalize(join(ROOT, dirname(page), decodeURIComponent(path))) : join(ROOT, page);
      if (!existsSync(file)) broken.push(`${page}:${line}: ${target}: no such file`);
      else if (anchor && file.endsWith('.md') && statSync(file).isFile() && !anchorsOf(file).has(anchor))
        broken.push(`${page}:${line}: ${target}: no heading with anchor #${anchor} in ${path || page}`);
    }
    expect(broken).toEqual([]);
  });
});
