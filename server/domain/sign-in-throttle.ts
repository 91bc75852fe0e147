import { sql } from "drizzle-orm";
import type { Tx } from "@/server/db/tenancy";
import { DomainError } from "./errors";

/**
 * Attempt counters in PostgreSQL (table sign_in_throttle), shared by every web instance.
 *
 * An attempt is counted before the work it guards (argon2, sending mail), in one
 * `insert … on conflict … returning` per key: the row lock serialises concurrent attempts, so
 * twenty parallel requests get the numbers 1 to 20 and only the first `limit` go ahead. (Checking
 * first and recording afterwards let every request of a burst pass the check.)
 * A key allows `limit` attempts per fixed window; once full, it is refused until the window ends.
 */
export type AttemptRule = { limit: number; windowMinutes: number };

export type AttemptResult = { allowed: true } | { allowed: false; retryInMinutes: number };

export async function takeAttempt(tx: Tx, key: string, { limit, windowMinutes }: AttemptRule): Promise<AttemptResult> {
  const [row] = await tx.execute<{ attempts: number; minutes: number }>(sql`
    insert into sign_in_throttle as t (key, failures, window_started_at)
    values (${key}, 1, now())
    on conflict (key) do update set
      failures = case when t.window_started_at <= now() - make_interval(mins => ${windowMinutes}) then 1 else t.failures + 1 end,
      window_started_at = case when t.window_started_at <= now() - make_interval(mins => ${windowMinutes}) then now() else t.window_started_at end
    returning failures as attempts,
      greatest(1, ceil(extract(epoch from (window_started_at + make_interval(mins => ${windowMinutes}) - now())) / 60))::int as minutes`);
  if (!row) throw new Error("throttle upsert returned no row");
  return row.attempts <= limit ? { allowed: true } : { allowed: false, retryInMinutes: row.minutes };
}

/** Takes one attempt on every key; throws `rate_limited` (with the longest wait) if any is full. */
export async function takeAttempts(tx: Tx, keys: { key: string; rule: AttemptRule }[], message: (minutes: number) => string): Promise<void> {
  let wait = 0;
  for (const { key, rule } of keys) {
    const result = await takeAttempt(tx, key, rule);
    if (!result.allowed) wait = Math.max(wait, result.retryInMinutes);
  }
  if (wait > 0) throw new DomainError("rate_limited", message(wait));
}

/** Gives one attempt back (a sign-in that succeeded should not use up the address's budget). */
export async function returnAttempt(tx: Tx, key: string): Promise<void> {
  await tx.execute(sql`update sign_in_throttle set failures = greatest(failures - 1, 0) where key = ${key}`);
}

/**
 * Sign-in: within a 15-minute window, 5 attempts for one email or 20 from one client address;
 * further attempts are refused until the window ends. A success clears the email's count and
 * gives the address its attempt back.
 */
const SIGN_IN = { email: { limit: 5, windowMinutes: 15 }, ip: { limit: 20, windowMinutes: 15 } } as const;

export type ThrottleKeys = { email: string; ip: string | null };

/** Counts this sign-in attempt (before the password is checked); throws `rate_limited` when over a limit. */
export async function takeSignInAttempt(tx: Tx, { email, ip }: ThrottleKeys): Promise<void> {
  const keys: { key: string; rule: AttemptRule }[] = [{ key: `email:${email}`, rule: SIGN_IN.email }];
  if (ip) keys.push({ key: `ip:${ip}`, rule: SIGN_IN.ip });
  await takeAttempts(tx, keys, (m) => `Too many failed sign-in attempts. Try again in ${m} minute${m === 1 ? "" : "s"}.`);
}

export async function recordSignInSuccess(tx: Tx, { email, ip }: ThrottleKeys): Promise<void> {
  await clearSignInFailures(tx, email);
  if (ip) await returnAttempt(tx, `ip:${ip}`);
}

export async function clearSignInFailures(tx: Tx, email: string): Promise<void> {
  await tx.execute(sql`delete from sign_in_throttle where key = ${`email:${email}`}`);
}
