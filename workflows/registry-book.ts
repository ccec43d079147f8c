/**
 * The registry's book of deployed definitions: versions per process, the current one, the bodies
 * by hash and the log of who made which version current. Pure (no Temporal, no clock, no I/O), so
 * the registry workflow only wires it to Updates and Queries, and unit tests drive it directly.
 *
 * Versions are immutable and hash-addressed: deploying a body that is already a version of the
 * process makes that version current again instead of adding a copy.
 */
import type {
  DefinitionRequest,
  DeployedDefinition,
  DeployedVersion,
  DeployRequest,
  DeployResult,
  ProcessVersions,
  RegistryErrorCode,
  RegistryState,
  SetCurrentRequest,
} from '../contract/registry';
import { formatDiagnostic } from '../dsl/diagnostics';
import { definitionHash } from '../dsl/hash';
import { forEachState } from '../dsl/state-tree';
import type { ProcessDefinition } from '../dsl/types';
import { validateDefinition } from '../dsl/validate';

/** A refused registry request; `code` becomes the failure type the caller sees. */
export class RegistryRefusal extends Error {
  override name = 'RegistryRefusal';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    readonly problems: string[] = [],
  ) {
    super(problems.length ? `${message}:\n${problems.map((p) => `  ${p}`).join('\n')}` : message);
  }
}

/** Deploying more than this many definitions in one request is refused (a registry is not a dump). */
export const MAX_DEFINITIONS_PER_DEPLOY = 50;
/** A definition body over this many bytes of canonical JSON is refused (Temporal payloads are limited to 2 MB). */
export const MAX_DEFINITION_JSON_BYTES = 256 * 1024;

const HASH_PREFIX = /^[0-9a-f]{8,64}$/;

export class RegistryBook {
  private readonly state: RegistryState;

  constructor(state?: RegistryState) {
    this.state = state ? (JSON.parse(JSON.stringify(state)) as RegistryState) : { processes: {}, bodies: {} };
  }

  /** What continue-as-new carries. */
  snapshot(): RegistryState {
    return this.state;
  }

  /**
   * Checks a deploy request without changing anything (the Update validator): every definition is
   * valid by the same checks as `docket validate`, no process twice, every child process it invokes
   * deployed already or in the same request. Throws `RegistryRefusal` naming each problem.
   */
  check(request: DeployRequest): ProcessDefinition[] {
    if (!request || typeof request !== 'object' || !Array.isArray(request.definitions)) {
      throw new RegistryRefusal('INVALID_REQUEST', 'a deploy request is { definitions: [...], deployedBy: "name" }');
    }
    if (typeof request.deployedBy !== 'string' || request.deployedBy.trim() === '') {
      throw new RegistryRefusal('INVALID_REQUEST', 'deployedBy must name who deploys (a non-empty string)');
    }
    if (request.definitions.length === 0 || request.definitions.length > MAX_DEFINITIONS_PER_DEPLOY) {
      throw new RegistryRefusal(
        'INVALID_REQUEST',
        `deploy 1 to ${MAX_DEFINITIONS_PER_DEPLOY} definitions at a time (got ${request.definitions.length})`,
      );
    }
    const problems: string[] = [];
    const seen = new Set<string>();
    request.definitions.forEach((def, i) => {
      const name = nameOf(def, i);
      const size = byteLength(JSON.stringify(def) ?? '');
      if (size > MAX_DEFINITION_JSON_BYTES) {
        problems.push(`${name}: ${size} bytes of JSON is over the limit of ${MAX_DEFINITION_JSON_BYTES}; split the process`);
        return;
      }
      for (const problem of definitionProblems(def)) problems.push(`${name}: ${problem}`);
      const process = (def as ProcessDefinition)?.process;
      if (typeof process === 'string') {
        if (seen.has(process)) problems.push(`${name}: process "${process}" appears twice in one deployment`);
        seen.add(process);
      }
    });
    if (problems.length > 0) throw new RegistryRefusal('INVALID_DEFINITION', 'nothing was deployed', problems);
    const definitions = request.definitions as ProcessDefinition[];
    for (const def of definitions) {
      for (const child of childProcesses(def)) {
        if (!seen.has(child) && !has(this.state.processes, child)) {
          problems.push(`${def.process}: invokes process "${child}", which is not deployed; deploy it in the same request or first`);
        }
      }
    }
    if (problems.length > 0) throw new RegistryRefusal('INVALID_DEFINITION', 'nothing was deployed', problems);
    return definitions;
  }

  /** Deploys checked definitions; each becomes (or stays) its process's current version. */
  deploy(request: DeployRequest, at: string): DeployResult {
    const definitions = this.check(request);
    const deployed: DeployResult['deployed'] = [];
    for (const def of definitions) {
      const hash = definitionHash(def);
      const entry = (this.state.processes[def.process] ??= { title: def.title, current: 0, versions: [], log: [] });
      const existing = entry.versions.find((v) => v.hash === hash);
      if (existing && existing.version === entry.current) {
        deployed.push({ ...existing, change: 'unchanged' });
        continue;
      }
      let version: DeployedVersion;
      if (existing) {
        version = existing;
      } else {
        version = { process: def.process, version: entry.versions.length + 1, hash, deployedBy: request.deployedBy.trim(), deployedAt: at };
        if (request.note) version.note = request.note;
        entry.versions.push(version);
        this.state.bodies[hash] = def;
      }
      entry.current = version.version;
      entry.title = def.title;
      entry.log.push({ version: version.version, by: request.deployedBy.trim(), at, action: 'deploy' });
      deployed.push({ ...version, change: existing ? 'current-again' : 'new' });
    }
    return { deployed };
  }

  /** Makes an earlier version current again (rollback). */
  setCurrent(request: SetCurrentRequest, at: string): DeployedVersion {
    if (typeof request?.by !== 'string' || request.by.trim() === '') {
      throw new RegistryRefusal('INVALID_REQUEST', 'by must name who makes the version current (a non-empty string)');
    }
    const found = this.find({ process: request.process, version: request.version });
    const entry = this.state.processes[found.process];
    if (entry.current !== found.version) {
      entry.current = found.version;
      entry.log.push({ version: found.version, by: request.by.trim(), at, action: 'rollback' });
    }
    const { definition: _body, current: _current, ...version } = found;
    return version;
  }

  /** Processes and their versions, without bodies. */
  list(process?: string): ProcessVersions[] {
    return Object.entries(this.state.processes)
      .filter(([name]) => process === undefined || name === process)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, entry]) => ({ process: name, title: entry.title, current: entry.current, versions: entry.versions, log: entry.log }));
  }

  /**
   * The current version (hash) of each child process a definition invokes: what a start names as
   * `children`. A child that is not deployed is left out (deploy refuses a definition whose child
   * is missing, so only a hand-made book lacks one; the worker then refuses the start).
   */
  currentChildren(def: ProcessDefinition): Record<string, string> {
    const children: Record<string, string> = {};
    for (const child of childProcesses(def)) {
      const entry = has(this.state.processes, child) ? this.state.processes[child] : undefined;
      if (entry) children[child] = entry.versions[entry.current - 1].hash;
    }
    return children;
  }

  /** One version with its body: the current one, or by number or hash (prefix of 8 or more). */
  find(request: DefinitionRequest): DeployedDefinition {
    if (!request || typeof request.process !== 'string' || request.process === '') {
      throw new RegistryRefusal('INVALID_REQUEST', 'name the process, e.g. { process: "complaint" }');
    }
    if (!has(this.state.processes, request.process)) {
      const known = Object.keys(this.state.processes).sort();
      throw new RegistryRefusal(
        'DEFINITION_NOT_FOUND',
        `process "${request.process}" is not deployed (deployed: ${known.length ? known.join(', ') : 'none'}); deploy it with \`docket deploy\``,
      );
    }
    const entry = this.state.processes[request.process];
    const version = pickVersion(entry.versions, entry.current, request.version, request.process);
    return { ...version, definition: this.state.bodies[version.hash], current: version.version === entry.current };
  }
}

function pickVersion(versions: DeployedVersion[], current: number, wanted: number | string | undefined, process: string): DeployedVersion {
  const available = `versions 1 to ${versions.length}`;
  if (wanted === undefined || wanted === null) return versions[current - 1];
  if (typeof wanted === 'number') {
    const found = Number.isInteger(wanted) ? versions[wanted - 1] : undefined;
    if (!found) throw new RegistryRefusal('DEFINITION_NOT_FOUND', `process "${process}" has no version ${wanted} (${available})`);
    return found;
  }
  if (typeof wanted !== 'string' || !HASH_PREFIX.test(wanted)) {
    throw new RegistryRefusal(
      'INVALID_REQUEST',
      `version must be a version number or a definition hash (8 to 64 lowercase hex characters), got ${JSON.stringify(wanted)}`,
    );
  }
  const matches = versions.filter((v) => v.hash.startsWith(wanted));
  if (matches.length === 1) return matches[0];
  if (matches.length === 0)
    throw new RegistryRefusal('DEFINITION_NOT_FOUND', `process "${process}" has no version with hash ${wanted} (${available})`);
  throw new RegistryRefusal(
    'INVALID_REQUEST',
    `hash prefix ${wanted} matches versions ${matches.map((v) => v.version).join(', ')} of "${process}"; give more characters`,
  );
}

/**
 * Why a definition cannot run, as messages (empty when it can): the checks of `docket validate`,
 * plus a `uses:` list left unmerged (the loader merges shared files; a definition that still has
 * the key was sent as raw YAML, and its shared decisions are missing).
 */
export function definitionProblems(def: unknown): string[] {
  const problems = validateDefinition(def).map(formatDiagnostic);
  if (def && typeof def === 'object' && Object.prototype.hasOwnProperty.call(def, 'uses')) {
    problems.unshift(
      'uses: the shared decision files are not merged in; deploy the YAML file with `docket deploy` (or merge them as `docket validate` does) instead of sending the raw YAML as JSON',
    );
  }
  return problems;
}

/** Processes a definition invokes as children. */
export function childProcesses(def: ProcessDefinition): string[] {
  const ids = new Set<string>();
  forEachState(def.states, (_, spec) => {
    if (spec.invoke?.process) ids.add(spec.invoke.process);
  });
  return [...ids].sort();
}

function nameOf(def: unknown, index: number): string {
  const process = (def as { process?: unknown })?.process;
  return typeof process === 'string' && process ? process : `definitions[${index}]`;
}

function has(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
