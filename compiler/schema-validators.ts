/**
 * JSON-Schema validators for a definition's input and event data, compiled once per schema and
 * shared by every case a worker runs.
 *
 * Why shared: compiling a schema with Ajv generates and compiles JavaScript, and it was the largest
 * docket-specific item in a CPU profile of the worker (docs/performance.md), paid again in every
 * case because workflow modules are evaluated per run. This module is preloaded into the worker's
 * reusable V8 context (workflows/shared-libraries.ts), so its cache outlives a run.
 *
 * Why that is safe in a workflow: a validator is a pure function of its schema (with `useDefaults`
 * it fills the same defaults into the same data), so which case compiled it first changes nothing
 * a case records or decides. The cache is keyed by the schema's JSON text, not by object identity
 * (each run unpacks its own copy of the definition), and is bounded: at most MAX_VALIDATORS
 * entries, the oldest dropped first. Each compiled schema is removed from Ajv's own cache at once,
 * so Ajv keeps nothing per case either.
 *
 * Options: allErrors (every problem in one message), strict false (definitions may carry
 * annotations Ajv does not know), validateSchema false (the schema was checked when the
 * definition was validated at deploy and again by the resolveDefinition step; checking it here
 * compiled Ajv's meta-schema in every run). audit/case-input.ts uses the same options.
 */
import Ajv, { type AnySchema, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** Distinct schemas kept compiled per worker (a definition has one input schema and one per event with data). */
export const MAX_VALIDATORS = 500;

type Purpose = 'input' | 'eventData';

const instances: Partial<Record<Purpose, Ajv>> = {};
const validators = new Map<string, ValidateFunction>();

function ajvFor(purpose: Purpose): Ajv {
  let ajv = instances[purpose];
  if (!ajv) {
    // The case's input gets the schema's defaults; event data is checked as sent.
    ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, useDefaults: purpose === 'input' });
    addFormats(ajv);
    instances[purpose] = ajv;
  }
  return ajv;
}

/** The compiled validator of `schema` (the input schema fills in defaults; event data schemas do not). */
export function schemaValidator(purpose: Purpose, schema: AnySchema): ValidateFunction {
  const key = `${purpose}\u0000${JSON.stringify(schema)}`;
  const cached = validators.get(key);
  if (cached) return cached;
  const ajv = ajvFor(purpose);
  const validate = ajv.compile(schema);
  ajv.removeSchema(schema);
  if (validators.size >= MAX_VALIDATORS) validators.delete(validators.keys().next().value as string);
  validators.set(key, validate);
  return validate;
}
