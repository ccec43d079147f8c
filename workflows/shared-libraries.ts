/**
 * The libraries the workflow code uses, loaded once per worker and shared by every case: the
 * worker preloads this module (worker/workflow-bundle-options.ts explains why and which rule a
 * module must meet to be here).
 *
 * Exported rather than imported for effect only: these packages declare `sideEffects: false`, so
 * webpack drops a bare `require('xstate')` (which is what the SDK's `preloadModules` generates)
 * and they would be evaluated again in every run. Using the imports here keeps them.
 *
 * Three are docket's own and are here for their caches, meant to be shared by every case (each
 * says why that is safe): compiler/schema-validators.ts (compiled JSON-Schema validators),
 * dsl/cel.ts (parsed expressions, converted values, compiled RE2 patterns) and
 * workflows/definition-cache.ts (pinned definitions, unpacked and hash-checked, frozen).
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
];
