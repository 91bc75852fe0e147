import { authedProcedure, createTRPCRouter, tenantProcedure, tenantScopeProcedure } from "@/server/api/trpc";
import { listPlanCatalog } from "@/server/domain/plans";
import {
  cancelInput,
  changePlan,
  getBillingOverview,
  listTenantInvoices,
  paidPlanInput,
  portalUrl,
  retryTenantProvisioning,
  setCancelAtPeriodEnd,
  startCheckout,
} from "@/server/domain/billing";

// Billing mutations stay allowed while suspended: paying is how a shop gets back. They call
// Stripe, so they hold no transaction: the domain opens short ones around each call.
const billingAdmin = tenantScopeProcedure({ minRole: "admin", allowWhenSuspended: true });

export const subscriptionsRouter = createTRPCRouter({
  plans: authedProcedure.query(() => listPlanCatalog()),
  overview: tenantProcedure({ minRole: "viewer" }).query(({ ctx }) => getBillingOverview(ctx.tenantCtx)),
  invoices: tenantScopeProcedure({ minRole: "admin" }).query(({ ctx }) => listTenantInvoices(ctx.tenantScope)),
  startCheckout: billingAdmin.input(paidPlanInput).mutation(({ ctx, input }) => startCheckout(ctx.tenantScope, input)),
  changePlan: billingAdmin.input(paidPlanInput).mutation(({ ctx, input }) => changePlan(ctx.tenantScope, input)),
  setCancelAtPeriodEnd: billingAdmin.input(cancelInput).mutation(({ ctx, input }) => setCancelAtPeriodEnd(ctx.tenantScope, input)),
  portal: billingAdmin.mutation(({ ctx }) => portalUrl(ctx.tenantScope)),
  retryProvisioning: billingAdmin.mutation(({ ctx }) => retryTenantProvisioning(ctx.tenantScope)),
});
