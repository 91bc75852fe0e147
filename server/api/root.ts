import { createCallerFactory, createTRPCRouter } from "./trpc";
import { tenantsRouter } from "./routers/tenants";
import { usersRouter } from "./routers/users";

export const appRouter = createTRPCRouter({
  users: usersRouter,
  tenants: tenantsRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
