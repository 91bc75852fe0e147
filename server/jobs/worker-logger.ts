import { Logger } from "graphile-worker";
import { logger } from "@/server/logger";

/**
 * graphile-worker's own messages go to pino; its per-job "completed" chatter only at debug level.
 *
 * While the database is away, graphile-worker retries on every poll (a fifth of a second) and
 * logs each failure. A repeated warning or error is logged with backoff instead: the first at
 * once, then once per doubling interval (1 s, 2 s, 4 s … up to a minute) with the count of the
 * lines it stands for, and again at once after a minute of quiet.
 */
const MIN_INTERVAL_MS = 1_000;
const MAX_INTERVAL_MS = 60_000;

type Repeats = { nextAt: number; intervalMs: number; suppressed: number; lastAt: number };
const repeats = new Map<string, Repeats>();

/** Same failure, same key: numbers (ports, ids, attempt counts) do not make a message new. */
const repeatKey = (level: string, message: string) => `${level}:${message.slice(0, 120).replace(/\d+/g, "#")}`;

/** Whether to log this occurrence, and how many occurrences it stands for. */
export function backoffRepeats(key: string, now = Date.now()): { log: boolean; count: number } {
  const seen = repeats.get(key);
  if (!seen || now - seen.lastAt > MAX_INTERVAL_MS) {
    if (repeats.size > 1_000) repeats.clear();
    repeats.set(key, { nextAt: now + MIN_INTERVAL_MS, intervalMs: MIN_INTERVAL_MS, suppressed: 0, lastAt: now });
    return { log: true, count: 1 };
  }
  seen.lastAt = now;
  if (now < seen.nextAt) {
    seen.suppressed++;
    return { log: false, count: 0 };
  }
  const count = seen.suppressed + 1;
  seen.suppressed = 0;
  seen.intervalMs = Math.min(seen.intervalMs * 2, MAX_INTERVAL_MS);
  seen.nextAt = now + seen.intervalMs;
  return { log: true, count };
}

export const workerLogger = new Logger((scope) => (level, message, meta) => {
  const fields = { scope, ...meta };
  if (level !== "error" && level !== "warning") return logger.debug(fields, message);
  const { log, count } = backoffRepeats(repeatKey(level, message));
  if (!log) return;
  const withCount = count > 1 ? { ...fields, repeated: count } : fields;
  if (level === "error") logger.error(withCount, message);
  else logger.warn(withCount, message);
});
