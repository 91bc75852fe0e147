import { createCallerFactory, createTRPCRouter } from "./trpc";
import { tenantsRouter } from "./routers/tenants";
import { subscriptionsRouter } from "./routers/subscriptions";
import { usersRouter } from "./routers/users";
import { catalogRouter } from "./routers/catalog";
import { mediaRouter } from "./routers/media";
import { storefrontRouter } from "./routers/storefront";
import { apiKeysRouter } from "./routers/api-keys";
import { usageRouter } from "./routers/usage";
import { billingRunsRouter } from "./routers/billing-runs";

export const appRouter = createTRPCRouter({
  users: usersRouter,
  tenants: tenantsRouter,
  subscriptions: subscriptionsRouter,
  catalog: catalogRouter,
  media: mediaRouter,
  storefront: storefrontRouter,
  usage: usageRouter,
  apiKeys: apiKeysRouter,
  billingRuns: billingRunsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
