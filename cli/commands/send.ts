/** `docket send <id> <EVENT> --as role:actorId [--data json]`: a validated event; prints what it did (the whole case: `docket state`). */
import type { Command } from 'commander';
import type { EventResult } from '../../contract/wire';
import { parseActor, parseJsonObject, UsageError } from '../args';
import { contextSummary, formatDeadlines, formatTimeline, printJson, printLines, table } from '../output';
import { runCommand, withClient } from '../run-command';

export interface EventOptions {
  as: string;
  data?: string;
  json?: boolean;
  updateId?: string;
}

/** The options `send` and `signal` share. */
export function eventCommand(program: Command, name: string, description: string): Command {
  return program
    .command(name)
    .description(description)
    .argument('<id>', 'case id')
    .argument('<EVENT>', 'event name, e.g. ACCEPT')
    .requiredOption('--as <role:actorId>', 'who sends it: role:actorId, several roles with commas (lead,agent:alice)')
    .option('--data <json>', 'event payload as a JSON object, e.g. \'{"note": "called back"}\'')
    .option('--json', 'print the report as JSON');
}

/** Checks the flags before anything connects to Temporal. */
export function eventInput(type: string, options: EventOptions) {
  const actor = parseActor(options.as);
  const data = options.data === undefined ? undefined : parseJsonObject(options.data, '--data');
  return { type, actor, ...(data ? { data } : {}) };
}

export function register(program: Command): void {
  eventCommand(program, 'send', 'send an event and wait for the case to accept it (a refusal says why and what is allowed)')
    .option(
      '--update-id <id>',
      "the event's Temporal update id (default a fresh one): sending again with the same id never applies it twice",
    )
    .action(
      runCommand(async (id: string, type: string, options: EventOptions) => {
        const event = eventInput(type, options);
        if (options.updateId !== undefined && !options.updateId.trim()) throw new UsageError('--update-id must not be empty');
        // Retries after an unknown outcome reuse the update id, so "accepted" is printed only for an applied event.
        const result = await withClient((client) => client.send(id, event, { updateId: options.updateId }));
        if (options.json) printJson(result);
        else printLines(formatSendReport(type, id, result));
      }),
    );
}

/** The event's result: new state, what changed, what may come next. */
export function formatSendReport(type: string, id: string, result: EventResult, now: Date = new Date()): string[] {
  const rows: string[][] = [['status', result.outcome ? `${result.status}, outcome ${result.outcome}` : result.status.replace(/_/g, ' ')]];
  const changed = contextSummary(result.changed);
  if (changed) rows.push(['changed', changed]);
  const allowed = Object.entries(result.allowed).filter(([, events]) => events.length > 0);
  if (result.status === 'running') {
    if (allowed.length === 0) rows.push(['allowed', '(no event can be sent now)']);
    table(
      undefined,
      allowed.map(([role, events]) => [`${role}:`, events.join(', ')]),
    ).forEach((line, i) => rows.push([i === 0 ? 'allowed' : '', line]));
  }
  formatDeadlines(result.deadlines, now).forEach((line, i) => rows.push([i === 0 ? 'deadlines' : '', line]));
  const lines = [`${type} accepted; case ${id} is now in ${result.state.join(', ')}`, '', ...table(undefined, rows)];
  if (result.timeline.length) lines.push('timeline (added by this event)', ...formatTimeline(result.timeline).map((l) => `  ${l}`));
  return lines;
}
