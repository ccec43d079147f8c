/** The API's cases over a ProcessClient (the same typed errors, CASE_STARTING retries and translations). */
import type { ProcessClient } from '../client/process-client';
import type { CaseService } from './routes/context';

export function processClientCases(docket: ProcessClient): CaseService {
  return {
    start: (options) => docket.start(options),
    // The assertion the workflow verifies names the issuer that vouched for the caller (the token's iss).
    send: (id, event, caller, options) => docket.send(id, event, { issuer: caller.issuer, updateId: options?.updateId }),
    state: (id) => docket.state(id),
    list: (options) => docket.list(options),
    history: (id) => docket.history(id),
  };
}
