/**
 * Activity logging. Uses the activity context logger, which the worker bridges to pino and which
 * already carries the workflow id, run id, activity id, type and attempt; this adds the
 * idempotency key so a log line can be matched with its outbox or registry row.
 */
import { Context } from '@temporalio/activity';

type Level = 'debug' | 'info' | 'warn' | 'error';

export type ActivityLogger = Record<Level, (message: string, meta?: Record<string, unknown>) => void>;

/** A logger for the current activity that adds `{ key }` to every line. Call inside an activity. */
export function activityLogger(key: string): ActivityLogger {
  const log = Context.current().log;
  return {
    debug: (message, meta) => log.debug(message, { key, ...meta }),
    info: (message, meta) => log.info(message, { key, ...meta }),
    warn: (message, meta) => log.warn(message, { key, ...meta }),
    error: (message, meta) => log.error(message, { key, ...meta }),
  };
}
