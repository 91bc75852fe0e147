// Types for the plain-JavaScript cache handler (Next.js loads it outside the bundles, with its own
// context and entry types; these are the parts the tests use).
export default class RedisCacheHandler {
  constructor(ctx: { serverDistDir?: string });
  get(key: string, ctx: unknown): Promise<{ lastModified: number; value: unknown; cacheControl?: unknown } | null>;
  set(key: string, data: unknown, ctx: unknown): Promise<void>;
  revalidateTag(tags: string | string[], durations?: { expire?: number }): Promise<void>;
  resetRequestCache(): void;
}
