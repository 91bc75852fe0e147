import { createTRPCRouter, platformAdminProcedure, tenantProcedure } from "@/server/api/trpc";
import {
  createApiKeyInput,
  createPlatformApiKey,
  createShopApiKey,
  listPlatformApiKeys,
  listShopApiKeys,
  revokeApiKeyInput,
  revokePlatformApiKey,
  revokeShopApiKey,
} from "@/server/domain/api-keys";

const shopAdmin = tenantProcedure({ minRole: "admin" });

export const apiKeysRouter = createTRPCRouter({
  list: shopAdmin.query(({ ctx }) => listShopApiKeys(ctx.tenantCtx)),
  create: shopAdmin.input(createApiKeyInput).mutation(({ ctx, input }) => createShopApiKey(ctx.tenantCtx, input)),
  revoke: shopAdmin.input(revokeApiKeyInput).mutation(({ ctx, input }) => revokeShopApiKey(ctx.tenantCtx, input)),
  platformList: platformAdminProcedure.query(() => listPlatformApiKeys()),
  platformCreate: platformAdminProcedure.input(createApiKeyInput).mutation(({ ctx, input }) => createPlatformApiKey(ctx, input)),
  platformRevoke: platformAdminProcedure.input(revokeApiKeyInput).mutation(({ ctx, input }) => revokePlatformApiKey(ctx, input)),
});
