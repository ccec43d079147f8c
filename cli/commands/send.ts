/** `docket send <id> <EVENT> --as role:actorId [--data json]`: a validated event; prints the new state. */
import type { Command } from 'commander';
import type { StateView } from '../../contract/wire';
import { parseActor, parseJsonObject } from '../args';
import { formatStateView, printJson, printLines } from '../output';
import { runCommand, withClient } from '../run-command';

export interface EventOptions {
  as: string;
  data?: string;
  json?: boolean;
}

/** The options `send` and `signal` share. */
export function eventCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .argument('<id>', 'case id')
    .argument('<EVENT>', 'event name, e.g. ACCEPT')
    .requiredOption('--as <role:actorId>', 'who sends it: role:actorId, several roles with commas (lead,agent:alice)')
    .option('--data <json>', "event payload as a JSON object, e.g. '{\"note\": \"called back\"}'")
    .option('--json', 'print the report as JSON');
}

/** Checks the flags before anything connects to Temporal. */
export function eventInput(type: string, options: EventOptions) {
  const actor = parseActor(options.as);
  const data = options.data === undefined ? undefined : parseJsonObject(options.data, '--data');
  return { type, actor, ...(data ? { data } : {}) };
}

export function register(program: Command): void {
  eventCommand(program, 'send', 'send an event and wait for the case to accept it (a refusal says why and what is allowed)').action(
    runCommand(async (id: string, type: string, options: EventOptions) => {
      const event = eventInput(type, options);
      const view = await withClient((client) => client.send(id, event));
      if (options.json) printJson(view);
      else printLines(formatSendReport(type, view));
    }),
  );
}

export function formatSendReport(type: string, view: StateView): string[] {
  return [`${type} accepted; case ${view.workflowId} is now in ${view.state.join(', ')}`, '', ...formatStateView(view)];
}
