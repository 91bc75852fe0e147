import { createCallerFactory, createTRPCRouter } from "./trpc";
import { tenantsRouter } from "./routers/tenants";
import { billingRouter } from "./routers/billing";
import { usersRouter } from "./routers/users";
import { catalogRouter } from "./routers/catalog";
import { mediaRouter } from "./routers/media";
import { storefrontRouter } from "./routers/storefront";
import { apiKeysRouter } from "./routers/api-keys";
import { usageRouter } from "./routers/usage";
import { billingRunsRouter } from "./routers/billing-runs";
import { usageStatementsRouter } from "./routers/usage-statements";
import { teamRouter } from "./routers/team";

export const appRouter = createTRPCRouter({
  users: usersRouter,
  tenants: tenantsRouter,
  billing: billingRouter,
  catalog: catalogRouter,
  media: mediaRouter,
  storefront: storefrontRouter,
  usage: usageRouter,
  apiKeys: apiKeysRouter,
  billingRuns: billingRunsRouter,
  usageStatements: usageStatementsRouter,
  team: teamRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
