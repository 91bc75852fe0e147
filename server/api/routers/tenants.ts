import { authedProcedure, createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
import { revalidateStorefront, revalidateStorefrontTenant } from "@/server/storefront/cache-tags";
import {
  createTenant,
  createTenantInput,
  getTenant,
  listTenantsForUser,
  updateTenantSettings,
  updateTenantSettingsInput,
} from "@/server/domain/tenants";
import { trialState } from "@/server/domain/trials";

export const tenantsRouter = createTRPCRouter({
  create: authedProcedure.input(createTenantInput).mutation(async ({ ctx, input }) => {
    const tenant = await createTenant(ctx, input);
    // A slug can be reused once an old shop is purged: its cached pages must not outlive it.
    revalidateStorefrontTenant(tenant.slug);
    return tenant;
  }),
  listMine: authedProcedure.query(({ ctx }) => listTenantsForUser(ctx.userId)),
  bySlug: tenantProcedure({ minRole: "viewer" }).query(async ({ ctx }) => {
    const tenant = await getTenant(ctx.tenantCtx);
    return { ...tenant, role: ctx.tenantCtx.role, trial: trialState(tenant) };
  }),
  updateSettings: tenantProcedure({ minRole: "admin" })
    .input(updateTenantSettingsInput)
    .mutation(async ({ ctx, input }) => {
      const tenant = await updateTenantSettings(ctx.tenantCtx, input);
      // The storefront shows the shop's name, default currency and brand colour.
      revalidateStorefrontTenant(tenant.slug);
      revalidateStorefront(tenant.id);
      return tenant;
    }),
});
