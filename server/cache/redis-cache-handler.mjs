// @ts-check
/**
 * Next.js `cacheHandler` (the incremental cache: ISR pages, route handlers and
 * `unstable_cache` data) kept in Redis, so every `next start` instance serves
 * the same entries and one instance's `revalidateTag` expires them for all.
 * next.config.ts installs it when REDIS_URL is set, and in standalone builds (the
 * Docker image), whose configuration is fixed at build time: there, without
 * REDIS_URL at run time, it keeps entries in process (MEMORY_ENTRIES, oldest out).
 *
 * Plain JavaScript: Next.js loads this file with `import()` at run time, outside
 * its bundles. For the same reason it reads REDIS_URL itself; server/env.ts
 * (imported by next.config.ts at build and start) has already validated it.
 *
 * Layout in Redis:
 * - `souk:next:{buildId}:e:{key}`: one entry, v8-serialized (Buffers and Maps survive),
 *   with a TTL from its own lifetime. Per build: a page's HTML names its build's
 *   script chunks, so a new deploy never serves the old build's pages.
 * - `souk:next:tags`: hash tag → time (ms) of its last revalidation, shared by all
 *   builds (during a rolling deploy an edit on a new instance expires old ones too).
 *   An entry whose tags were revalidated after it was written is a miss.
 *
 * Redis down: commands fail at once (no offline queue) or after COMMAND_TIMEOUT_MS,
 * reads are misses and writes are dropped, so pages render from the database.
 * A revalidation Redis missed is kept and written when it is back, with its
 * original time, so entries written before the outage cannot come back stale.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import { Redis } from "ioredis";

const COMMAND_TIMEOUT_MS = 300;
const CONNECT_TIMEOUT_MS = 1000;
const TAGS_HEADER = "x-next-cache-tags";
const PREFIX = "souk:next:";
const TAGS_KEY = `${PREFIX}tags`;
// Entries without a lifetime of their own still leave Redis eventually.
const MAX_TTL_SECONDS = 30 * 24 * 3600;
const MEMORY_ENTRIES = 2000;

/** @type {Redis | null} */
let client = null;
/** Revalidations Redis did not take (tag → ms), replayed on reconnect. */
const pendingTags = new Map();
let down = false;

function redis() {
  if (client) return client;
  // eslint-disable-next-line no-restricted-properties -- loaded by Next.js outside the bundles; server/env.ts validated it
  const url = process.env.REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set");
  client = new Redis(url, {
    connectTimeout: CONNECT_TIMEOUT_MS,
    commandTimeout: COMMAND_TIMEOUT_MS,
    // Fail fast while disconnected instead of queueing requests behind a dead server.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Reconnect quickly, so a restarted Redis is used again within a second.
    retryStrategy: (times) => Math.min(times * 100, 1000),
  });
  // Never increase the stored time of a tag: a replayed (older) revalidation must not
  // shorten a newer one's reach.
  client.defineCommand("soukMarkTags", {
    numberOfKeys: 1,
    lua: `for i = 1, #ARGV, 2 do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if current < tonumber(ARGV[i + 1]) then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
return 1`,
  });
  client.on("error", (error) => {
    if (down) return;
    down = true;
    console.warn(JSON.stringify({ level: "warn", msg: "redis cache unavailable: rendering from the database", err: String(error?.message ?? error) }));
  });
  client.on("ready", () => {
    if (down) console.warn(JSON.stringify({ level: "info", msg: "redis cache available again" }));
    down = false;
    void flushPendingTags();
  });
  return client;
}

/** @param {Map<string, number>} marks */
async function markTags(marks) {
  const args = [...marks].flatMap(([tag, at]) => [tag, String(at)]);
  // @ts-expect-error defined above with defineCommand
  await redis().soukMarkTags(TAGS_KEY, ...args);
}

async function flushPendingTags() {
  if (!pendingTags.size) return;
  const marks = new Map(pendingTags);
  try {
    await markTags(marks);
    for (const [tag, at] of marks) if (pendingTags.get(tag) === at) pendingTags.delete(tag);
  } catch {
    // Still down: the next "ready" tries again.
  }
}

/** @param {string} serverDistDir */
function readBuildId(serverDistDir) {
  try {
    return readFileSync(path.join(serverDistDir, "..", "BUILD_ID"), "utf8").trim();
  } catch {
    return "dev";
  }
}

/**
 * Tags an entry answers to: a page's are in its stored headers, a data entry's
 * come with the request (its own tags plus the page's implicit ones).
 * @param {any} entry
 * @param {any} ctx
 * @returns {string[]}
 */
function tagsOf(entry, ctx) {
  const value = entry.value;
  if (value?.kind === "FETCH") return [...(ctx?.tags ?? []), ...(ctx?.softTags ?? []), ...(value.tags ?? [])];
  const header = value?.headers?.[TAGS_HEADER];
  return typeof header === "string" && header ? header.split(",") : [];
}

/**
 * Seconds to keep an entry: its expire time when it has one, else twice its
 * revalidate period (one stale serve while it re-renders), capped.
 * @param {any} data
 * @param {any} ctx
 */
function ttlSeconds(data, ctx) {
  const cacheControl = ctx?.cacheControl;
  const revalidate = data?.kind === "FETCH" ? (data.revalidate ?? ctx?.revalidate) : cacheControl?.revalidate;
  const expire = typeof cacheControl?.expire === "number" ? cacheControl.expire : typeof revalidate === "number" ? revalidate * 2 : MAX_TTL_SECONDS;
  return Math.max(1, Math.min(Math.ceil(expire), MAX_TTL_SECONDS));
}

/** @param {any} entry @param {string[]} tags @param {(string | number | null | undefined)[]} marks */
function revalidatedSince(entry, tags, marks) {
  const now = Date.now();
  return tags.length > 0 && marks.some((m) => m != null && Number(m) > entry.lastModified && Number(m) <= now);
}

/** In-process entries and tag marks, for a standalone build started without REDIS_URL. */
const memory = { entries: new Map(), tags: new Map() };

export default class RedisCacheHandler {
  /** @param {{ serverDistDir?: string }} ctx */
  constructor(ctx) {
    // `next build` prerenders through this handler too; the build needs no shared cache.
    // eslint-disable-next-line no-restricted-properties -- Next.js's own phase marker, not configuration
    this.off = process.env.NEXT_PHASE === "phase-production-build";
    // eslint-disable-next-line no-restricted-properties -- loaded by Next.js outside the bundles; server/env.ts validated it
    this.inMemory = !process.env.REDIS_URL;
    this.entryPrefix = `${PREFIX}${ctx.serverDistDir ? readBuildId(ctx.serverDistDir) : "dev"}:e:`;
    if (!this.off && !this.inMemory) redis();
  }

  /**
   * @param {string} key
   * @param {any} ctx
   */
  async get(key, ctx) {
    if (this.off) return null;
    if (this.inMemory) {
      const entry = memory.entries.get(key);
      if (!entry || entry.expiresAt < Date.now()) return null;
      const tags = tagsOf(entry, ctx);
      return revalidatedSince(entry, tags, tags.map((t) => memory.tags.get(t))) ? null : entry;
    }
    try {
      const raw = await redis().getBuffer(this.entryPrefix + key);
      if (!raw) return null;
      const entry = deserialize(raw);
      const tags = tagsOf(entry, ctx);
      if (tags.length && revalidatedSince(entry, tags, await redis().hmget(TAGS_KEY, ...tags))) return null;
      return entry;
    } catch {
      return null;
    }
  }

  /**
   * @param {string} key
   * @param {any} data
   * @param {any} ctx
   */
  async set(key, data, ctx) {
    if (this.off) return;
    const entry = { lastModified: Date.now(), value: data, cacheControl: ctx?.fetchCache ? undefined : ctx?.cacheControl };
    if (this.inMemory) {
      memory.entries.delete(key);
      memory.entries.set(key, { ...entry, expiresAt: Date.now() + ttlSeconds(data, ctx) * 1000 });
      if (memory.entries.size > MEMORY_ENTRIES) memory.entries.delete(memory.entries.keys().next().value);
      return;
    }
    try {
      await redis().set(this.entryPrefix + key, serialize(entry), "EX", ttlSeconds(data, ctx));
    } catch {
      // Redis down: the next request renders again.
    }
  }

  /**
   * Marks the tags revalidated now. A stale-while-revalidate profile is treated as
   * expiry: other instances cannot serve "stale once, then fresh" without a local
   * copy of the tag state, and a fresh render is the safe side.
   * @param {string | string[]} tags
   */
  async revalidateTag(tags) {
    const list = typeof tags === "string" ? [tags] : tags;
    if (this.off || !list.length) return;
    const now = Date.now();
    if (this.inMemory) {
      for (const tag of list) memory.tags.set(tag, now);
      return;
    }
    const marks = new Map(list.map((tag) => [tag, now]));
    try {
      await markTags(marks);
    } catch {
      for (const [tag, at] of marks) pendingTags.set(tag, Math.max(at, pendingTags.get(tag) ?? 0));
    }
  }

  resetRequestCache() {}
}
