import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What every log line of one request (or one background job) carries: its request id. Entered
 * by the route handler wrapper (server/observability/http.ts), by tRPC calls made without one
 * (Server Components) and by the worker around each job. Kept on globalThis so that Next's
 * separate module copies (route handlers, instrumentation, the logger's own copy) share it.
 */
export type RequestContext = { requestId: string; job?: string; jobId?: string };

const globalForContext = globalThis as unknown as { soukRequestContext?: AsyncLocalStorage<RequestContext> };
const storage = (globalForContext.soukRequestContext ??= new AsyncLocalStorage<RequestContext>());

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}
