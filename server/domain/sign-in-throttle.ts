import { sql } from "drizzle-orm";
import type { Tx } from "@/server/db/tenancy";
import { DomainError } from "./errors";

/**
 * Throttles failed sign-ins per email and per IP. State lives in PostgreSQL so
 * every web instance shares it. Limits: within a 15-minute window, 5 failures
 * for one email or 20 from one IP lock that key for 15 minutes.
 */
const WINDOW_MINUTES = 15;
const LOCK_MINUTES = 15;
const limits = { email: 5, ip: 20 } as const;

export type ThrottleKeys = { email: string; ip: string | null };

function keysOf({ email, ip }: ThrottleKeys) {
  const keys: { key: string; limit: number }[] = [{ key: `email:${email}`, limit: limits.email }];
  if (ip) keys.push({ key: `ip:${ip}`, limit: limits.ip });
  return keys;
}

export async function assertNotThrottled(tx: Tx, keys: ThrottleKeys): Promise<void> {
  for (const { key } of keysOf(keys)) {
    const rows = await tx.execute<{ minutes: number }>(
      sql`select ceil(extract(epoch from (locked_until - now())) / 60)::int as minutes
          from sign_in_throttle where key = ${key} and locked_until > now()`,
    );
    const locked = rows[0];
    if (locked) {
      throw new DomainError(
        "rate_limited",
        `Too many failed sign-in attempts. Try again in ${locked.minutes} minute${locked.minutes === 1 ? "" : "s"}.`,
      );
    }
  }
}

export async function recordSignInFailure(tx: Tx, keys: ThrottleKeys): Promise<void> {
  for (const { key, limit } of keysOf(keys)) {
    await tx.execute(sql`
      insert into sign_in_throttle as t (key, failures, window_started_at)
      values (${key}, 1, now())
      on conflict (key) do update set
        failures = case when t.window_started_at < now() - make_interval(mins => ${WINDOW_MINUTES}) then 1 else t.failures + 1 end,
        window_started_at = case when t.window_started_at < now() - make_interval(mins => ${WINDOW_MINUTES}) then now() else t.window_started_at end`);
    await tx.execute(sql`
      update sign_in_throttle set locked_until = now() + make_interval(mins => ${LOCK_MINUTES}), failures = 0, window_started_at = now()
      where key = ${key} and failures >= ${limit}`);
  }
}

export async function clearSignInFailures(tx: Tx, email: string): Promise<void> {
  await tx.execute(sql`delete from sign_in_throttle where key = ${`email:${email}`}`);
}
