/** Workflow entry points registered by the worker. The exported name is the workflow type. */
export { processWorkflow as process } from './process-workflow';
export { definitionRegistry } from './definition-registry';
