/**
 * Reading a scenario file (`*.test.yaml`): YAML with positions (dsl/parse-yaml.ts, the same
 * guarded reader definitions use), checked against schema/scenario.schema.json with ajv, and the
 * definition it tests (loaded and validated like `docket validate` does). Problems come back as
 * located messages; nothing here throws for a user mistake.
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import schema from '../schema/scenario.schema.json';
import type { Locate, PathSegment } from '../dsl/diagnostics';
import { formatDiagnostic } from '../dsl/diagnostics';
import { loadDefinitionFile } from '../dsl/load';
import { parseYamlSource } from '../dsl/parse-yaml';
import { suggest } from '../dsl/suggest';
import type { ProcessDefinition } from '../dsl/types';
import type { InvocationAnswer } from './simulator';

export type Step =
  | { send: string; as?: string; data?: Record<string, unknown>; rejected?: string }
  | { advance: string }
  | { complete: string; returns?: unknown; fails?: string }
  | { expect: Expectation };

export interface Expectation {
  state?: string | string[];
  status?: 'running' | 'completed' | 'failed';
  outcome?: string;
  failure?: string;
  context?: Record<string, unknown>;
  deadlines?: Array<{ name: string; in?: string; due?: string }>;
  invoked?: Array<{ name: string; input?: Record<string, unknown> }>;
  pending?: string[];
  allowed?: Record<string, string[]>;
}

export interface Scenario {
  name: string;
  input?: Record<string, unknown>;
  start?: string;
  caseId?: string;
  /** Why the scenario holds only offline: `--server` skips it with this reason. */
  offlineOnly?: string;
  invocations?: Record<string, InvocationAnswer>;
  steps: Step[];
}

export interface ScenarioFile {
  definition?: string;
  invocations?: Record<string, InvocationAnswer>;
  scenarios: Scenario[];
}

/** A problem with a place: `file:line:col: message`. */
export interface Located {
  file: string;
  line: number;
  column: number;
  message: string;
}

export const formatLocated = (p: Located): string => `${p.file}:${p.line}:${p.column}: ${p.message}`;

export type LoadedScenarios =
  | { ok: true; file: string; value: ScenarioFile; locate: Locate; definition: ProcessDefinition; definitionFile: string }
  | { ok: false; file: string; problems: Located[] };

// verbose: errors carry their schema, whose properties name what is allowed in the message.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
addFormats(ajv);
const validateScenarioFile = ajv.compile(schema);

export async function loadScenarioFile(file: string): Promise<LoadedScenarios> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return {
      ok: false,
      file,
      problems: [
        {
          file,
          line: 1,
          column: 1,
          message: `cannot read the scenario file: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        },
      ],
    };
  }
  const parsed = parseYamlSource(text, file, 'a scenario file needs scenarios (a list of name, input and steps)', '(scenarios: …)');
  if ('diagnostics' in parsed)
    return {
      ok: false,
      file,
      problems: parsed.diagnostics.map((d) => ({ file: d.file, line: d.line, column: d.column, message: d.message })),
    };
  const { value, locate } = parsed;
  if (!validateScenarioFile(value)) {
    return { ok: false, file, problems: schemaProblems(validateScenarioFile.errors ?? [], locate) };
  }
  const scenarios = value as unknown as ScenarioFile;
  const definitionFile = join(dirname(file), scenarios.definition ?? basename(file).replace(/\.test\.ya?ml$/i, '.yaml'));
  const loaded = await loadDefinitionFile(definitionFile);
  if (!loaded.definition) {
    const at = locate(scenarios.definition ? ['definition'] : []);
    const why = loaded.diagnostics.slice(0, 5).map(formatDiagnostic).join('\n  ');
    return {
      ok: false,
      file,
      problems: [{ ...at, message: `the definition ${definitionFile} does not validate, so its scenarios cannot run:\n  ${why}` }],
    };
  }
  return { ok: true, file, value: scenarios, locate, definition: loaded.definition, definitionFile };
}

const STEP_KEYS = ['send', 'as', 'data', 'rejected', 'advance', 'complete', 'returns', 'fails', 'expect'];

/** ajv's errors as located messages, one per place, in words. */
function schemaProblems(errors: ErrorObject[], locate: Locate): Located[] {
  const out: Located[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'allOf') continue;
    const path: PathSegment[] = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
    let message: string;
    let at = path;
    let key = false;
    if (e.keyword === 'additionalProperties') {
      const extra = String((e.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(((e.parentSchema as { properties?: object })?.properties ?? {}) as object);
      // In a step, the key may belong to another kind of step (`expcet` next to `advance`).
      const inStep = path.length >= 2 && path[path.length - 2] === 'steps';
      const near = suggest(extra, inStep ? STEP_KEYS : allowed);
      message = `unknown key "${extra}"${near ? ` (did you mean "${near}"?)` : ''}; allowed here: ${allowed.join(', ')}`;
      at = [...path, extra];
      key = true;
    } else if (path.length === 3 && path[0] === 'scenarios' && path[2] === 'offlineOnly')
      message = `says why the scenario runs offline only, in words (offlineOnly: the router in its input exists only in the demo); ${JSON.stringify(e.data)} is not a reason`;
    else if (e.keyword === 'required') message = `missing required key "${(e.params as { missingProperty: string }).missingProperty}"`;
    else if (e.keyword === 'anyOf') message = 'a step is one of: send (an event), advance (the clock), complete (an invocation), expect';
    else if (e.keyword === 'pattern' && /duration/.test(String((e.parentSchema as { description?: string })?.description)))
      message = `"${String(e.data)}" is not a duration: write a number and a unit (ms, s, m, h, d), like 4h or 1h30m`;
    else if (e.keyword === 'pattern')
      message = `"${String(e.data)}" is not in the expected form (${(e.parentSchema as { description?: string })?.description ?? e.message})`;
    else message = e.message ?? `fails the rule "${e.keyword}"`;
    const dedupe = `${e.instancePath}\u0000${message}`;
    if (seen.has(dedupe)) continue;
    seen.add(dedupe);
    out.push({ ...locate(at, { key }), message: `${at.length ? `${formatAt(at)}: ` : ''}${message}` });
  }
  return out;
}

function formatAt(path: PathSegment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}
