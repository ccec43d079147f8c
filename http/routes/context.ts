/** What the routes share: the cases behind the API, the access rules, response checks. */
import type { ListOptions, CaseSummary } from '../../client/list-query';
import type { StartedCase, StartOptions } from '../../client/process-client';
import type { EventInput, StateView } from '../../contract/wire';
import type { AccessRules } from '../identity-config';
import type { VerifiedActor } from '../token-verifier';

/**
 * The cases the API serves: ProcessClient's methods (see case-service.ts), with `send` also
 * given the verified caller so it can vouch for them to the workflow.
 */
export interface CaseService {
  start(options: Pick<StartOptions, 'id' | 'process' | 'version' | 'input'>): Promise<StartedCase>;
  /** `updateId`: from the request's `Idempotency-Key` (see routes/events.ts). */
  send(id: string, event: EventInput, caller: VerifiedActor, options?: { updateId?: string }): Promise<unknown>;
  state(id: string): Promise<StateView>;
  list(options: ListOptions): Promise<CaseSummary[]>;
  history(id: string): Promise<string>;
}

export interface RouteContext {
  cases: CaseService;
  rules: AccessRules;
  /** Throws INTERNAL when a response does not match its schema (a bug on our side, logged). */
  check(schemaId: string, body: unknown): void;
  /** The case's state view, once the read rules allow the actor to see it (ACCESS_DENIED otherwise). */
  readableCase(actor: VerifiedActor, id: string): Promise<StateView>;
  /** Whether the read rules depend on the case for this actor (no `all` rule applies). */
  needsCaseForRead(actor: VerifiedActor): boolean;
}
