import type { BundleOptions } from '@temporalio/worker';

type WebpackConfiguration = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];

/**
 * Libraries the workflow code uses that are evaluated once per worker instead of once per case.
 *
 * Why: with the SDK's reusable V8 context (the default), every module of the workflow bundle is
 * evaluated again for each workflow run, in that run's own module cache
 * (`@temporalio/worker/lib/workflow/reusable-vm.js`, SDK 1.24.0). For docket that meant running the
 * module code of XState, Ajv, CEL, RE2JS, fflate and noble again for every case, on the worker's
 * one workflow thread, where a hand-written workflow evaluates only itself. Modules named in the
 * bundler's `preloadModules` are evaluated once, before any workflow exists, shared by every
 * workflow of the worker and deep-frozen (their exported objects; functions are frozen
 * themselves, not their prototypes).
 *
 * The rule for being on this list (the SDK's own warning, WorkerOptions.bundlerOptions.preloadModules):
 * the module keeps no per-workflow state. Checked for each:
 * - xstate 5.33.3: a module-level `idCounter` numbers actor session ids (`x:0`, `x:1` …); shared,
 *   a case's session ids differ between its first run and a replay. Nothing docket records or
 *   commands depends on them: timers go through the case's own clock (workflows/durable-clock.ts,
 *   handles numbered by the case), `after` delays have explicit ids, and the persisted snapshot
 *   carried across continue-as-new does not keep session ids of the root actor's events.
 *   `Math.random` and `Date.now` are read at call time, from the current workflow's globals.
 * - ajv, ajv-formats: no module state; every Ajv instance (and its schema cache) is made by docket
 *   code that is not preloaded, so it stays per run.
 * - @marcbachmann/cel-js, re2js, fflate, @noble/hashes, @noble/curves: pure functions and
 *   constant tables; noble's lazily computed precomputation tables are deterministic caches.
 * - docket's compiler/schema-validators.ts, dsl/cel.ts and workflows/definition-cache.ts: caches of
 *   pure, deterministic work (compiled validators, parsed expressions, checked definitions, which
 *   are frozen), bounded, meant to be shared.
 * Other docket modules are not preloaded: some keep per-run state (the trusted keys in
 * workflows/actor-verification.ts, the workflow itself).
 *
 * The libraries are listed in workflows/shared-libraries.ts (a bare package name here would be
 * dropped by webpack: see there). The cached-timers, update-query-race and replay tests run with
 * them preloaded; a library added there must pass them and be checked against the rule above.
 */
export const WORKFLOW_PRELOAD_MODULES: string[] = [require.resolve('../workflows/shared-libraries')];

/**
 * XState's production build rather than its development build. The SDK bundles in webpack's
 * development mode, whose `development` export condition picks `xstate.development.*.js`: the same
 * machine with extra warnings and checks on every transition (in a profile of the benchmark it
 * was most of XState's share). The alias points `xstate` at the file Node itself resolves
 * (`dist/xstate.cjs.js`), the build every non-workflow use of the compiler (validate, audit's
 * re-run, the tests) already runs.
 */
function productionXState(config: WebpackConfiguration): WebpackConfiguration {
  const alias = config.resolve?.alias;
  return {
    ...config,
    resolve: {
      ...config.resolve,
      alias: Array.isArray(alias)
        ? [...alias, { name: 'xstate', onlyModule: true, alias: require.resolve('xstate') }]
        : { ...alias, xstate$: require.resolve('xstate') },
    },
  };
}

/**
 * docket's TypeScript compiled for ES2022, as `tsc` compiles it for everything else (tsconfig.json),
 * rather than the SDK's ES2017 (`@temporalio/worker` bundler.js, swc-loader `jsc.target`). Node 20
 * runs ES2022 natively; at ES2017 every object spread and rest became a call to a helper that
 * defines each property one by one (`_object_spread`, `_object_spread_props`), a visible share of
 * the workflow code's time in a profile. Class fields keep the semantics `tsc` gives them at
 * ES2022 (define, `useDefineForClassFields`), so the workflow runs the same code the unit tests
 * run. Only docket's own `.ts` files go through this loader (node_modules are already JavaScript).
 */
function es2022(config: WebpackConfiguration): WebpackConfiguration {
  for (const rule of config.module?.rules ?? []) {
    const use = rule && typeof rule === 'object' && !Array.isArray(rule.use) ? rule.use : undefined;
    if (!use || typeof use !== 'object' || typeof use.loader !== 'string' || !use.loader.includes('swc-loader')) continue;
    const options = use.options as { jsc?: { target?: string; transform?: Record<string, unknown> } } | undefined;
    if (options?.jsc) {
      options.jsc.target = 'es2022';
      options.jsc.transform = { ...options.jsc.transform, useDefineForClassFields: true };
    }
  }
  return config;
}

/**
 * The payload converter of every docket worker and workflow bundle (contract/payload-converter.ts):
 * a payload that cannot be decoded becomes a value the event gate refuses, not an exception that
 * fails the workflow task for ever. Given to the bundler (worker/workflow-bundle.ts) and to every
 * worker and replayer as `dataConverter.payloadConverterPath` (create-worker.ts, audit/replay.ts).
 */
export const PAYLOAD_CONVERTER_PATH = require.resolve('../contract/payload-converter');

/** The bundler options every docket workflow bundle is built with (worker, prebuilt bundle, replay). */
export const WORKFLOW_BUNDLER_OPTIONS = {
  preloadModules: WORKFLOW_PRELOAD_MODULES,
  webpackConfigHook: (config: WebpackConfiguration) => es2022(productionXState(config)),
};
