import { authedProcedure, createTRPCRouter, tenantProcedure } from "@/server/api/trpc";
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

// Billing mutations stay allowed while suspended: paying is how a shop gets back.
const billingAdmin = tenantProcedure({ minRole: "admin", allowWhenSuspended: true });

export const billingRouter = createTRPCRouter({
  plans: authedProcedure.query(() => listPlanCatalog()),
  overview: tenantProcedure({ minRole: "viewer" }).query(({ ctx }) => getBillingOverview(ctx.tenantCtx)),
  invoices: tenantProcedure({ minRole: "admin" }).query(({ ctx }) => listTenantInvoices(ctx.tenantCtx)),
  startCheckout: billingAdmin.input(paidPlanInput).mutation(({ ctx, input }) => startCheckout(ctx.tenantCtx, input)),
  changePlan: billingAdmin.input(paidPlanInput).mutation(({ ctx, input }) => changePlan(ctx.tenantCtx, input)),
  setCancelAtPeriodEnd: billingAdmin.input(cancelInput).mutation(({ ctx, input }) => setCancelAtPeriodEnd(ctx.tenantCtx, input)),
  portal: billingAdmin.mutation(({ ctx }) => portalUrl(ctx.tenantCtx)),
  retryProvisioning: billingAdmin.mutation(({ ctx }) => retryTenantProvisioning(ctx.tenantCtx)),
});
