/**
 * The wire contract as JSON Schemas (draft 2020-12), for services in any language and for
 * validating payloads at the edges (tests, an HTTP API). The schemas mirror the TypeScript types
 * in contract/wire.ts and contract/registry.ts; docs/wire-contract.md explains them.
 *
 * Node only (ajv compiles validators with `new Function`); never import this from workflow code.
 * Nothing here touches the file system: the schemas are JSON modules.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import draft07MetaSchema from 'ajv/dist/refs/json-schema-draft-07.json';
import processSchema from '../../schema/process.schema.json';
import eventInput from './event-input.schema.json';
import eventResult from './event-result.schema.json';
import processResult from './process-result.schema.json';
import registry from './registry.schema.json';
import rejection from './rejection.schema.json';
import resolvedDefinition from './resolved-definition.schema.json';
import startInput from './start-input.schema.json';
import stateView from './state-view.schema.json';
import timelineEntry from './timeline-entry.schema.json';

/** Every contract schema, by file name without `.schema.json`. */
export const contractSchemas = {
  'start-input': startInput,
  'event-input': eventInput,
  'event-result': eventResult,
  'state-view': stateView,
  rejection,
  'timeline-entry': timelineEntry,
  'process-result': processResult,
  'resolved-definition': resolvedDefinition,
  registry,
} as const;

export type ContractSchemaName = keyof typeof contractSchemas;

/**
 * A schema by name, or one of its `$defs` by JSON pointer, e.g. `registry#/$defs/deployRequest`
 * or `rejection#/$defs/rejectionCode`.
 */
export type ContractSchemaRef = ContractSchemaName | `${ContractSchemaName}#/$defs/${string}`;

/** The process definition schema (draft-07) the contract schemas refer to by its `$id`. */
export const processDefinitionSchema = processSchema;

/** `$id` of a contract schema. */
export function contractSchemaId(name: ContractSchemaName): string {
  return contractSchemas[name].$id;
}

let ajv: Ajv2020 | undefined;

/** One ajv instance with every contract schema (and the draft-07 process schema they use). */
function contractAjv(): Ajv2020 {
  if (ajv) return ajv;
  // strict: a typo'd keyword in a contract schema is an error; `discriminator` gives one precise
  // error for a timeline entry's `kind` instead of one per oneOf branch.
  const instance = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true, discriminator: true });
  addFormats(instance);
  instance.addMetaSchema(draft07MetaSchema);
  instance.addSchema(processSchema);
  for (const schema of Object.values(contractSchemas)) instance.addSchema(schema);
  ajv = instance;
  return instance;
}

/**
 * A compiled validator for a contract schema (or one of its `$defs`). Validators are compiled
 * once and cached. `validate.errors` name the failing field by `instancePath`
 * (e.g. `/actor` with `must have required property 'id'`).
 */
export function contractValidator(ref: ContractSchemaRef): ValidateFunction {
  const [name, fragment] = ref.split('#', 2) as [string, string | undefined];
  if (!Object.prototype.hasOwnProperty.call(contractSchemas, name)) {
    throw new Error(`no contract schema "${name}"; known: ${Object.keys(contractSchemas).join(', ')}`);
  }
  const id = contractSchemaId(name as ContractSchemaName) + (fragment ? `#${fragment}` : '');
  const validate = contractAjv().getSchema(id);
  if (!validate) throw new Error(`no schema at ${id}`);
  return validate;
}
