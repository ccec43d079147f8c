/**
 * Draws a process definition as a Mermaid `stateDiagram-v2`. Pure: no I/O.
 *
 * - Every state is declared as `state "name" as id`, its id the path joined with `__`
 *   (`handling__working`); compound states are blocks with their own `[*] -->` initial arrow,
 *   parallel states separate their regions with `--`.
 * - Edges are labelled with the event (`RESOLVE [event.actor.id == context.o…]`), `after 4h` or
 *   `after <expr>` for deadlines, `done` / `error` for invoke results and `always` for eventless
 *   transitions. A transition without a target (it only assigns) is drawn as a loop on its state.
 * - An edge is written inside the innermost block that holds both of its ends, as Mermaid expects.
 * - `highlight` (dotted paths, e.g. a case's visited states) adds `classDef visited`; the
 *   ancestors of a highlighted state are highlighted too.
 *
 * Targets are resolved with `resolveTarget`, the rule the compiler uses.
 */
import { resolveTarget } from '../dsl/state-tree';
import type { ProcessDefinition, StateSpec, TransitionSpec } from '../dsl/types';
import { forEachState, transitionList, type StatePath } from './state-paths';

export interface MermaidOptions {
  /** Dotted paths of states to mark as visited (`["intake", "handling.working"]`). */
  highlight?: string[];
  /** Guards longer than this are cut with `…`. Default 40. */
  maxGuardLength?: number;
}

interface Edge {
  from: StatePath;
  to: StatePath;
  label: string;
}

/** Words Mermaid's state-diagram lexer reads as keywords at the start of a line (case-insensitive). */
const RESERVED = new Set(['note', 'state', 'class', 'classdef', 'style', 'direction', 'scale', 'hide', 'end', 'acctitle', 'accdescr']);

/** The Mermaid id of a state path: the names joined with `__` (`_state` appended to a keyword). */
export const mermaidId = (path: StatePath): string => {
  const id = path.join('__');
  return RESERVED.has(id.toLowerCase()) ? `${id}_state` : id;
};

export function toMermaid(def: ProcessDefinition, options: MermaidOptions = {}): string {
  const maxGuard = options.maxGuardLength ?? 40;
  const edgesByScope = new Map<string, Edge[]>();
  const addEdge = (edge: Edge) => {
    const key = scopeOf(edge.from, edge.to).join('.');
    edgesByScope.set(key, [...(edgesByScope.get(key) ?? []), edge]);
  };

  forEachState(def.states, (path, spec) => {
    const add = (input: TransitionInputLike, label: (t: TransitionSpec) => string) => {
      for (const t of transitionList<TransitionSpec>(input)) {
        addEdge({ from: path, to: t.target === undefined ? path : target(def, path, t.target), label: label(t) + guard(t, maxGuard) });
      }
    };
    for (const [event, t] of Object.entries(spec.on ?? {})) add(t, () => event);
    for (const d of spec.after ?? []) add(d, () => (d.at !== undefined ? `at ${d.at}` : `after ${String(d.delay)}`));
    if (spec.invoke) {
      add(spec.invoke.onDone, () => 'done');
      add(spec.invoke.onError, () => 'error');
    }
    add(spec.always, () => 'always');
  });

  const lines = ['stateDiagram-v2'];
  renderBlock(def.states, def.initial, [], '  ', lines, edgesByScope);

  if (options.highlight) {
    const visited = highlighted(def, options.highlight);
    lines.push('  classDef visited fill:#d8f0dc,stroke:#2e7d32,stroke-width:2px');
    if (visited.length) lines.push(`  class ${visited.join(',')} visited`);
  }
  return `${lines.join('\n')}\n`;
}

type TransitionInputLike = string | TransitionSpec | TransitionSpec[] | undefined;

/** Writes the states under `prefix`: initial arrow, declarations, nested blocks, edges, final arrows. */
function renderBlock(
  states: Record<string, StateSpec>,
  initial: string | undefined,
  prefix: StatePath,
  indent: string,
  lines: string[],
  edgesByScope: Map<string, Edge[]>,
  parallel = false,
): void {
  if (initial !== undefined && !parallel) lines.push(`${indent}[*] --> ${mermaidId([...prefix, initial])}`);
  const finals: string[] = [];
  Object.entries(states).forEach(([name, spec], i) => {
    const path = [...prefix, name];
    const id = mermaidId(path);
    if (parallel && i > 0) lines.push(`${indent}--`);
    if (spec.states && Object.keys(spec.states).length) {
      lines.push(`${indent}state "${escapeText(name)}" as ${id} {`);
      renderBlock(spec.states, spec.initial, path, `${indent}  `, lines, edgesByScope, spec.type === 'parallel');
      lines.push(`${indent}}`);
    } else {
      lines.push(`${indent}state "${escapeText(name)}" as ${id}`);
    }
    if (spec.type === 'final') finals.push(id);
  });
  for (const edge of edgesByScope.get(prefix.join('.')) ?? []) {
    lines.push(`${indent}${mermaidId(edge.from)} --> ${mermaidId(edge.to)} : ${escapeText(edge.label)}`);
  }
  for (const id of finals) lines.push(`${indent}${id} --> [*]`);
}

function target(def: ProcessDefinition, source: StatePath, name: string): StatePath {
  const path = resolveTarget(source, name, def.states);
  if (!path) throw new Error(`states.${source.join('.states.')}: unknown target "${name}" (validate the definition first)`);
  return path;
}

/** The innermost state that contains both ends (a proper ancestor of each), `[]` for the root. */
function scopeOf(from: StatePath, to: StatePath): StatePath {
  const limit = Math.min(from.length - 1, to.length - 1);
  let n = 0;
  while (n < limit && from[n] === to[n]) n++;
  return from.slice(0, n);
}

function guard(t: TransitionSpec, max: number): string {
  if (t.if === undefined) return '';
  const text = t.if.replace(/\s+/g, ' ').trim();
  return ` [${text.length > max ? `${text.slice(0, max - 1)}…` : text}]`;
}

/**
 * Mermaid ends a label at `:` or `;` and drops what looks like HTML; it decodes `#name;` entities
 * after parsing, so those characters are written as entities.
 */
function escapeText(text: string): string {
  const entities: Record<string, string> = { '#': '#35;', ';': '#59;', ':': '#58;', '"': '#quot;', '<': '#lt;', '>': '#gt;' };
  return text.replace(/\s+/g, ' ').replace(/[#;:"<>]/g, (c) => entities[c]);
}

function highlighted(def: ProcessDefinition, paths: string[]): string[] {
  const ids = new Set<string>();
  const known = new Set<string>();
  forEachState(def.states, (path) => known.add(path.join('.')));
  for (const dotted of paths) {
    const parts = dotted.split('.');
    for (let n = 1; n <= parts.length; n++) {
      const prefix = parts.slice(0, n);
      if (known.has(prefix.join('.'))) ids.add(mermaidId(prefix));
    }
  }
  return [...ids];
}
