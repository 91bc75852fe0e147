import { TRPCError } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { contextFromHeaders, sessionIdentity } from "@/server/api/request-context";
import { auth } from "@/server/auth";
import { instrumentRoute } from "@/server/observability/http";
import { limitApiKey, retryMessage, withRateLimitHeaders, type RateLimitDecision } from "@/server/rate-limit";
import { DATABASE_RETRY_AFTER_SECONDS } from "@/server/db/availability";

// auth(handler) reads the session from this request's own cookie (no request-scoped
// next/headers), so the handler is the same whether Next.js or a test calls it. A Bearer key,
// when sent, takes the place of the session (contextFromHeaders) and is rate-limited per key:
// one count per HTTP request (a batch of calls is one request); 429 TOO_MANY_REQUESTS over it.
const handler = instrumentRoute(
  "/api/trpc/[trpc]",
  auth(async (req) => {
    let rateLimit: RateLimitDecision | null = null;
    const response = await fetchRequestHandler({
      endpoint: "/api/trpc",
      req,
      router: appRouter,
      createContext: async () => {
        const ctx = await contextFromHeaders(req.headers, async () => sessionIdentity(req.auth));
        if (ctx.apiKey) {
          rateLimit = await limitApiKey(ctx.apiKey);
          if (!rateLimit.allowed) throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: `This API key is over its rate limit. ${retryMessage(rateLimit.resetSeconds)}` });
        }
        return ctx;
      },
      // A 503 (database away or busy) tells the client when to retry.
      responseMeta: ({ errors }) =>
        errors.some((e) => e.code === "SERVICE_UNAVAILABLE") ? { headers: new Headers({ "retry-after": String(DATABASE_RETRY_AFTER_SECONDS) }) } : {},
    });
    return rateLimit ? withRateLimitHeaders(response, rateLimit) : response;
  }),
);

export { handler as GET, handler as POST };
