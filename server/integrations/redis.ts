import { createClient } from "@redis/client";
import { logger } from "@/server/logger";

/**
 * Redis (REDIS_URL), for counters every instance shares. One client per URL and process, kept
 * on globalThis like the database pool (one per process whatever the bundling), connected on
 * first use. Only this module imports the Redis SDK.
 */
type Client = ReturnType<typeof createClient>;
const globalForRedis = globalThis as unknown as { soukRedis?: Map<string, Promise<Client>> };
const clients = (globalForRedis.soukRedis ??= new Map());

function clientFor(url: string): Promise<Client> {
  let client = clients.get(url);
  if (!client) {
    const created = createClient({ url, socket: { connectTimeout: 5_000 } });
    created.on("error", (error: unknown) => logger.error({ err: error }, "Redis connection error"));
    client = created.connect();
    // A failed first connection is not cached: the next call tries again.
    client.catch(() => clients.delete(url));
    clients.set(url, client);
  }
  return client;
}

/** Runs a Lua script atomically on the server. */
export async function redisEval(url: string, script: string, keys: string[], args: string[]): Promise<unknown> {
  return (await clientFor(url)).eval(script, { keys, arguments: args });
}

/** Closes the clients (tests, shutdown). */
export async function closeRedis(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map(async (c) => (await c.catch(() => null))?.quit().catch(() => {})));
}
