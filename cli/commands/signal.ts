/** `docket signal <id> <EVENT> --as role:actorId [--data json]`: fire-and-forget event. */
import type { Command } from 'commander';
import type { EventInput } from '../../contract/wire';
import { printJson, printLines } from '../output';
import { runCommand, withClient } from '../run-command';
import { eventCommand, eventInput, type EventOptions } from './send';

export interface SignalReport {
  id: string;
  event: EventInput;
  signalled: true;
}

export function register(program: Command): void {
  eventCommand(program, 'signal', 'send an event without waiting (a refused one is recorded in the timeline)').action(
    runCommand(async (id: string, type: string, options: EventOptions) => {
      const event = eventInput(type, options);
      await withClient((client) => client.signal(id, event));
      const report: SignalReport = { id, event, signalled: true };
      if (options.json) printJson(report);
      else printLines([`signalled ${type} to case ${id}; \`docket state ${id}\` shows whether it was taken`]);
    }),
  );
}
