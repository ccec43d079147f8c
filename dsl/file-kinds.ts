/**
 * Which YAML files in a definitions directory are definitions. A scenario file
 * (`complaint.test.yaml`, run by `docket test`, see docs/scenarios.md) sits beside the definition
 * it tests and is never a definition: validate, deploy and bundling skip it.
 */
export const SCENARIO_FILE = /\.test\.ya?ml$/i;

/** True for a `*.yaml` / `*.yml` name that is not a scenario file. */
export function isDefinitionFileName(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !SCENARIO_FILE.test(name);
}

/** True for a `*.test.yaml` / `*.test.yml` name. */
export function isScenarioFileName(name: string): boolean {
  return SCENARIO_FILE.test(name);
}
