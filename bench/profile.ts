/** Reads V8 .cpuprofile files (`node --cpu-prof`) and lists where the samples were (self time). */
import * as fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  /** Share of the busy (non-idle) samples. */
  share: number;
}

export interface ProfileSummary {
  files: string[];
  busyMs: number;
  idleMs: number;
  topFunctions: ProfileEntry[];
  /** Self time grouped by package (node_modules/<name>) or by docket folder. */
  byModule: ProfileEntry[];
}

/**
 * Self time per function over every profile of one process (`--cpu-prof` writes one per thread:
 * the main thread and the SDK's workflow threads), counting only samples inside `window`
 * (monotonic microseconds, the clock of `process.hrtime`, which V8's profile timestamps share on
 * Linux).
 */
export function summarizeProfiles(
  files: string[],
  window: { fromUs: number; toUs: number },
  bundleFile?: string,
  top = 20,
): ProfileSummary {
  const bundleModules = bundleFile ? webpackModules(bundleFile) : [];
  const selfMs = new Map<ProfileNode, number>();
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    let at = profile.startTime;
    for (let i = 0; i < profile.samples.length; i++) {
      const delta = profile.timeDeltas[i] ?? 0;
      at += delta;
      if (at < window.fromUs || at > window.toUs) continue;
      const node = byId.get(profile.samples[i])!;
      selfMs.set(node, (selfMs.get(node) ?? 0) + delta / 1000);
    }
  }
  const fns = new Map<string, number>();
  const modules = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const [node, ms] of selfMs) {
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') {
      idle += functionName === '(idle)' ? ms : 0;
      if (functionName === '(idle)') continue;
    }
    busy += ms;
    // Workflow code runs from the webpack bundle: name the module a bundle line belongs to.
    const inBundle = /workflow-bundle/.test(url) && bundleModules.length > 0 ? moduleAt(bundleModules, lineNumber + 1) : undefined;
    const where = inBundle ? `${inBundle.replace(/^\.\/(node_modules\/)?/, '')} (bundle)` : shortUrl(url);
    const name = `${functionName || '(anonymous)'} ${where ? (inBundle ? where : `${where}:${lineNumber + 1}`) : ''}`.trim();
    fns.set(name, (fns.get(name) ?? 0) + ms);
    const mod = inBundle ? `${moduleOf(inBundle.replace(/^\.\//, '/main/'), functionName)} (workflow)` : moduleOf(url, functionName);
    modules.set(mod, (modules.get(mod) ?? 0) + ms);
  }
  const list = (m: Map<string, number>, n: number): ProfileEntry[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, ms]) => ({ name, selfMs: Math.round(ms), share: busy ? ms / busy : 0 }));
  return { files, busyMs: Math.round(busy), idleMs: Math.round(idle), topFunctions: list(fns, top), byModule: list(modules, 15) };
}

function shortUrl(url: string): string {
  if (!url) return '';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const main = url.indexOf('/main/');
  return main >= 0 ? url.slice(main + '/main/'.length) : url.replace(/^file:\/\//, '');
}

/**
 * Workflow code runs in the SDK's V8 context from one webpack bundle, so its frames carry the
 * bundle's name; the function names still tell ajv, xstate and CEL apart only roughly. Group by
 * package where the URL says, else by the frame kind.
 */
function moduleOf(url: string, functionName: string): string {
  if (functionName === '(garbage collector)') return '(garbage collector)';
  if (functionName === '(program)') return '(program: native, not JS)';
  if (!url) return '(native / builtin)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node: (Node.js internals)';
  const main = url.indexOf('/main/');
  if (main >= 0) return url.slice(main + '/main/'.length).split('/')[0] + '/';
  return url.length > 60 ? `${url.slice(0, 57)}…` : url;
}

/** The modules of a webpack bundle by their first line (the `"./path":` module headers), in order. */
function webpackModules(bundleFile: string): Array<{ line: number; name: string }> {
  const modules: Array<{ line: number; name: string }> = [];
  fs.readFileSync(bundleFile, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /^\/\*\*\*\/ "([^"]+)"/.exec(text);
      if (m) modules.push({ line: i + 1, name: m[1] });
    });
  return modules;
}

function moduleAt(modules: Array<{ line: number; name: string }>, line: number): string {
  let lo = 0;
  let hi = modules.length - 1;
  if (hi < 0 || line < modules[0].line) return '(bundle runtime)';
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (modules[mid].line <= line) lo = mid;
    else hi = mid - 1;
  }
  return modules[lo].name;
}
