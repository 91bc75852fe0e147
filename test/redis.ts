import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "@/scripts/lib/ports";
import { pollUntil } from "@/test/next-server";

/** Whether a Redis answers PING on 127.0.0.1:port (within half a second). */
export async function redisAnswers(port: number): Promise<boolean> {
  const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, connectTimeout: 500, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Whether redis-server is installed (Debian: apt-get install redis-server). */
export const hasRedisServer = () => spawnSync("redis-server", ["--version"]).status === 0;

/**
 * Why a test that runs redis-servers of its own is skipped on this machine, or null: it needs
 * redis-server on PATH, and runs only where the machine's Redis (127.0.0.1:6379) answers too.
 */
export async function redisSkipReason(): Promise<string | null> {
  if (!(await redisAnswers(6379))) return "Redis at 127.0.0.1:6379 does not answer";
  return hasRedisServer() ? null : "redis-server is not on PATH";
}

/** A redis-server without persistence on this port, once it answers (throws if it does not within 10 s). */
export async function spawnRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  if ((await pollUntil(() => redisAnswers(port), 10_000, 50)) === null) throw new Error(`redis-server on ${port} did not start`);
  return child;
}

/** Kills a redis-server at once, as a crash would, and waits for it to be gone. */
export async function killRedisServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGKILL");
  await new Promise((r) => child.once("exit", r));
}

/**
 * A throwaway redis-server on a free port, for tests of the Redis-backed counters; null when no
 * redis-server is installed (Debian: apt-get install redis-server).
 */
export async function startRedisServer(): Promise<{ url: string; stop: () => Promise<void> } | null> {
  if (!hasRedisServer()) return null;
  const port = await freePort();
  const child = await spawnRedisServer(port);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
