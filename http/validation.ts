/**
 * Request validation for Fastify: one ajv (draft 2020-12) that knows every contract schema and the
 * API's own, so route schemas refer to them by `$id`. Bodies are validated as sent (no type
 * coercion); query strings and path parameters are coerced (`?limit=5` is a number).
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import draft07MetaSchema from 'ajv/dist/refs/json-schema-draft-07.json';
import { contractSchemas, processDefinitionSchema } from '../contract/schemas';
import { httpSchemas } from './schemas';

function instance(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: false,
    useDefaults: true,
    coerceTypes: coerce ? 'array' : false,
    discriminator: true,
  });
  addFormats(ajv);
  ajv.addMetaSchema(draft07MetaSchema);
  ajv.addSchema(processDefinitionSchema);
  for (const schema of Object.values(contractSchemas)) ajv.addSchema(schema);
  for (const schema of Object.values(httpSchemas)) ajv.addSchema(schema);
  return ajv;
}

let bodies: Ajv2020 | undefined;
let others: Ajv2020 | undefined;

/** Fastify's `validatorCompiler`. */
export function compileValidator({ schema, httpPart }: { schema: object; httpPart?: string }): ValidateFunction {
  const ajv = httpPart === 'body' ? (bodies ??= instance(false)) : (others ??= instance(true));
  return ajv.compile(schema);
}

/** A validator for one of the API's own response schemas. */
export function httpValidator(schemaId: string): ValidateFunction {
  const ajv = (bodies ??= instance(false));
  const validate = ajv.getSchema(schemaId);
  if (!validate) throw new Error(`no schema ${schemaId}`);
  return validate;
}
