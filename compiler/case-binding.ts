/**
 * The key under which a case's XState context carries its binding (compiler/compile.ts,
 * `CaseBinding`: the case's input and runtime hooks), so one compiled machine serves every case of
 * a definition. A symbol: XState copies it into every new context (assign is `Object.assign`),
 * while JSON, `Object.keys` and CEL never see it. Its own module so compiler/joins.ts
 * (`publicContext`, which leaves it out) needs no import of the compiler.
 */
export const CASE_BINDING = Symbol('docket.case');
