import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { createApiContext } from "@/server/api/trpc";
import { auth } from "@/server/auth";
import { clientKey } from "@/server/client-ip";

// auth(handler) reads the session from this request's own cookie (no request-scoped
// next/headers), so the handler is the same whether Next.js or a test calls it.
const handler = auth((req) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () =>
      createApiContext({ userId: req.auth?.user?.id ?? null, requestId: req.headers.get("x-request-id"), clientKey: clientKey(req.headers) }),
  }),
);

export { handler as GET, handler as POST };
