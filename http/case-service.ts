/** The API's cases over a ProcessClient (the same typed errors, CASE_STARTING retries and translations). */
import type { ProcessClient } from '../client/process-client';
import type { CaseService } from './routes/context';

export function processClientCases(docket: ProcessClient): CaseService {
  return {
    start: (options) => docket.start(options),
    send: (id, event) => docket.send(id, event),
    state: (id) => docket.state(id),
    list: (options) => docket.list(options),
    history: (id) => docket.history(id),
  };
}
