/**
 * The libraries the workflow code uses, loaded once per worker and shared by every case: the
 * worker preloads this module (worker/workflow-bundle-options.ts explains why and which rule a
 * module must meet to be here).
 *
 * Exported rather than imported for effect only: these packages declare `sideEffects: false`, so
 * webpack drops a bare `require('xstate')` (which is what the SDK's `preloadModules` generates)
 * and they would be evaluated again in every run. Using the imports here keeps them.
 *
 * Four are docket's own and are here for their caches, meant to be shared by every case (each
 * says why that is safe): compiler/schema-validators.ts (compiled JSON-Schema validators),
 * dsl/cel.ts (parsed expressions, converted values, compiled RE2 patterns),
 * workflows/definition-cache.ts (pinned definitions, unpacked and hash-checked, frozen) and
 * compiler/compile.ts (`machineFor`: one compiled XState machine per definition object; a case's
 * input and hooks reach it through its own actor, compiler/case-binding.ts).
 *
 * The rest of docket's workflow-side code that neither keeps per-case state nor imports
 * `@temporalio/workflow` (whose module state must stay per run) is here too, so it is not evaluated
 * again for every case: the compiler (compile, event gate, expressions, state paths, distinct
 * actors), the packed-definition reader, the actor-assertion check, the definition hash and the
 * validator the registry runs on a deploy. Module-level state among them, all pure caches:
 * compiler/expressions.ts (a WeakMap from an event to its CEL view), dsl/check-data-schemas.ts and
 * dsl/schema-check.ts (one Ajv instance and one compiled schema, made on first use). Modules that
 * import `@temporalio/workflow` (everything under workflows/ except the caches, contract/handles.ts)
 * must never be listed here.
 */
import * as xstate from 'xstate';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import * as cel from '@marcbachmann/cel-js';
import { RE2JS } from 're2js';
import * as fflate from 'fflate';
import { sha256 } from '@noble/hashes/sha2';
import * as nobleUtils from '@noble/hashes/utils';
import { ed25519 } from '@noble/curves/ed25519';
import { schemaValidator } from '../compiler/schema-validators';
import { evaluate } from '../dsl/cel';
import { checkedDefinition } from './definition-cache';
import { invokeDoneEvent } from '../compiler/compile';
import { candidateTransitions } from '../compiler/event-gate';
import { displayPath } from '../compiler/state-paths';
import { checkDistinctActors } from '../compiler/distinct-actors';
import { celEvent } from '../compiler/expressions';
import { packDefinition } from '../contract/packed-definition';
import { ACTOR_ASSERTION_HEADER } from '../contract/actor-assertion';
import { definitionHash } from '../dsl/hash';
import { SEMANTIC_PASSES } from '../dsl/validate';

export const sharedLibraries: readonly unknown[] = [
  xstate,
  Ajv,
  addFormats,
  cel,
  RE2JS,
  fflate,
  sha256,
  nobleUtils,
  ed25519,
  schemaValidator,
  evaluate,
  checkedDefinition,
  invokeDoneEvent,
  candidateTransitions,
  displayPath,
  checkDistinctActors,
  celEvent,
  packDefinition,
  ACTOR_ASSERTION_HEADER,
  definitionHash,
  SEMANTIC_PASSES,
];
