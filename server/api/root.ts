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
import { teamRouter } from "./routers/team";
import { adminRouter } from "./routers/admin";
import { impersonationRouter } from "./routers/impersonation";

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
  team: teamRouter,
  admin: adminRouter,
  impersonation: impersonationRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
