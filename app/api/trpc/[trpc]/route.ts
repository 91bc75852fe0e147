import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { contextFromHeaders } from "@/server/api/request-context";
import { auth } from "@/server/auth";
import { instrumentRoute } from "@/server/observability/http";

// auth(handler) reads the session from this request's own cookie (no request-scoped
// next/headers), so the handler is the same whether Next.js or a test calls it. A Bearer key,
// when sent, takes the place of the session (contextFromHeaders).
const handler = instrumentRoute(
  "/api/trpc/[trpc]",
  auth((req) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => contextFromHeaders(req.headers, async () => req.auth?.user?.id ?? null),
    }),
  ),
);

export { handler as GET, handler as POST };
