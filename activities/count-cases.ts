/**
 * `countCases`: the figures the cross-case rules of a monitor read (definitions/complaint-monitor.yaml),
 * taken from Temporal's visibility store instead of one event per case, so a check costs the same
 * few queries whether a day has ten cases or ten thousand (docs/cross-case-rules.md):
 *
 * - `today`: cases of `process` started since 00:00 UTC of `now`'s day (CountWorkflowExecutions);
 * - `pastDays`: when `windowDays` > 0, the counts of the `windowDays` days before, oldest first,
 *   days without a case left out (the monitor's average is over days that had cases);
 * - `runs`: the cases started in (since, now − settle] folded into runs of one category in start
 *   order, continuing `carry` (activities/category-runs.ts), and the new `watermark`.
 *
 * Only cases on the calling case's task queue count: one deployment, one registry, one monitor.
 * Counts come from the cases' own search attributes (DocketProcess, DocketCategory) and
 * StartTime, which docket keeps current (workflows/search-attributes.ts).
 */
import { Context } from '@temporalio/activity';
import { SA_CATEGORY } from '../contract/search-attributes';
import { parseDuration } from '../dsl/duration';
import { categoryRuns, type CategoryRun, type ListedCase } from './category-runs';
import { inputObject, invalidInput, optionalObject, requiredInteger, requiredString } from './input';
import { docketOnThisQueue } from './temporal-client';

const DAY_MS = 86_400_000;
/** How long a started case may take to show in visibility with its category, by default. */
const DEFAULT_SETTLE = '30s';
/**
 * A listed case still without a category this long after its start is passed over: ten settle
 * spans, at least 5 minutes (a busy worker may take a while to run a new case's first steps).
 */
const giveUpAfter = (settle: number) => Math.max(10 * settle, 300_000);

export interface CountCasesInput {
  /** Process id of the cases to count, e.g. `complaint`. */
  process: string;
  /** The monitor's clock (`now`, epoch ms): the day counted and the end of the listed span. */
  now: number;
  /** Days before today to count (0: today only). */
  windowDays?: number;
  /** Start time (epoch ms) after which cases are folded into runs: the previous check's watermark. */
  since: number;
  /** The run the previous check ended with. */
  carry?: { category: string; count: number };
  /** Duration literal: cases started this recently are left to the next check (visibility lag). */
  settle?: string;
}

export interface CountCasesResult {
  /** Days since 1970-01-01 (UTC) of `now`. */
  day: number;
  today: number;
  pastDays: number[];
  runs: CategoryRun[];
  seen: number;
  skipped: string[];
  watermark: number;
}

export async function countCases(raw: CountCasesInput): Promise<CountCasesResult> {
  const input = inputObject('countCases', raw);
  const processId = requiredString('countCases', input, 'process', 'the process whose cases are counted');
  if (!/^[\w.-]+$/.test(processId))
    invalidInput('countCases', `"process" must be a process id (letters, digits, _ . -), got ${JSON.stringify(processId)}`);
  const now = requiredInteger('countCases', input, 'now', 'the monitor clock, `now`');
  const windowDays = input.windowDays === undefined ? 0 : requiredInteger('countCases', input, 'windowDays', 'days before today to count');
  const since = requiredInteger('countCases', input, 'since', 'the previous watermark, epoch ms');
  const settleText = input.settle === undefined ? DEFAULT_SETTLE : requiredString('countCases', input, 'settle', 'a duration such as 30s');
  const settle = parseDuration(settleText);
  if (settle === undefined) invalidInput('countCases', `"settle" must be a duration such as 30s or 2m, got ${JSON.stringify(settleText)}`);
  const carryInput = optionalObject('countCases', input, 'carry', 'the run the previous check ended with') ?? {};
  const carry = {
    category: typeof carryInput.category === 'string' ? carryInput.category : '',
    count: typeof carryInput.count === 'number' ? carryInput.count : 0,
  };

  const docket = await docketOnThisQueue();
  const workflows = docket.client.workflow;
  const scope = `DocketProcess = '${processId}' AND TaskQueue = '${docket.taskQueue}'`;
  const day = Math.floor(now / DAY_MS);
  const startOf = (d: number) => new Date(d * DAY_MS).toISOString();
  const countBetween = async (from: number, to: number) =>
    (await workflows.count(`${scope} AND StartTime >= '${startOf(from)}' AND StartTime < '${startOf(to)}'`)).count;

  const today = await countBetween(day, day + 1);
  const pastDays: number[] = [];
  for (let d = day - windowDays; d < day; d++) {
    const n = await countBetween(d, d + 1);
    if (n > 0) pastDays.push(n);
  }

  const until = Math.max(since, now - settle!);
  const listed: ListedCase[] = [];
  if (until > since) {
    const query = `${scope} AND StartTime > '${new Date(since).toISOString()}' AND StartTime <= '${new Date(until).toISOString()}'`;
    for await (const info of workflows.list({ query })) {
      listed.push({ id: info.workflowId, start: info.startTime.getTime(), category: info.typedSearchAttributes.get(SA_CATEGORY) });
    }
  }
  const folded = categoryRuns(listed, carry, until, now - giveUpAfter(settle!));
  const log = Context.current().log;
  if (folded.skipped.length > 0) log.warn('cases without a category passed over', { process: processId, cases: folded.skipped });
  log.info('counted cases', { process: processId, day, today, pastDays, listed: listed.length, seen: folded.seen });
  return { day, today, pastDays, ...folded };
}
