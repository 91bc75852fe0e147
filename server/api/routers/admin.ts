import { createTRPCRouter, platformAdminProcedure, platformAdminUserProcedure } from "@/server/api/trpc";
import { listAudit, listAuditInput } from "@/server/domain/admin-audit";
import { platformStats } from "@/server/domain/admin-stats";
import {
  getStripeEvent,
  listStripeEvents,
  listStripeEventsInput,
  replayFailedStripeEvents,
  replayOneStripeEvent,
  stripeEventFilterInput,
  stripeEventIdInput,
  stripeEventIdsInput,
  stripeEventsByIds,
} from "@/server/domain/admin-stripe-events";
import {
  deleteTenant,
  getTenantDetail,
  listTenants,
  listTenantsInput,
  platformSummary,
  resumeTenant,
  retryTenantProvisioning,
  suspendTenant,
  tenantActionInput,
  tenantIdInput,
} from "@/server/domain/admin-tenants";
import { disableUser, disableUserInput, enableUser, getUserDetail, listUsers, listUsersInput, userIdInput } from "@/server/domain/admin-users";
import { startImpersonation, startImpersonationInput } from "@/server/domain/impersonation";

/**
 * The operators' console (/admin) and the CLI's operator commands: platform admins (never while
 * impersonating) or a platform key with the admin scope; decisions about people need the admin
 * in person (platformAdminUserProcedure).
 */
export const adminRouter = createTRPCRouter({
  summary: platformAdminProcedure.query(() => platformSummary()),
  /** `souk stats`: the summary plus tenants by plan, today's events and the job queue. */
  stats: platformAdminProcedure.query(() => platformStats()),
  tenants: createTRPCRouter({
    list: platformAdminProcedure.input(listTenantsInput).query(({ input }) => listTenants(input)),
    get: platformAdminProcedure.input(tenantIdInput).query(({ input }) => getTenantDetail(input)),
    suspend: platformAdminProcedure.input(tenantActionInput).mutation(({ ctx, input }) => suspendTenant(ctx, input)),
    resume: platformAdminProcedure.input(tenantActionInput).mutation(({ ctx, input }) => resumeTenant(ctx, input)),
    retryProvisioning: platformAdminProcedure.input(tenantActionInput).mutation(({ ctx, input }) => retryTenantProvisioning(ctx, input)),
    delete: platformAdminProcedure.input(tenantActionInput).mutation(({ ctx, input }) => deleteTenant(ctx, input)),
  }),
  users: createTRPCRouter({
    list: platformAdminProcedure.input(listUsersInput).query(({ input }) => listUsers(input)),
    get: platformAdminProcedure.input(userIdInput).query(({ input }) => getUserDetail(input)),
    disable: platformAdminUserProcedure.input(disableUserInput).mutation(({ ctx, input }) => disableUser(ctx, input)),
    enable: platformAdminUserProcedure.input(userIdInput).mutation(({ ctx, input }) => enableUser(ctx, input)),
    impersonate: platformAdminUserProcedure.input(startImpersonationInput).mutation(({ ctx, input }) => startImpersonation(ctx, input)),
  }),
  stripeEvents: createTRPCRouter({
    list: platformAdminProcedure.input(listStripeEventsInput).query(({ input }) => listStripeEvents(input)),
    get: platformAdminProcedure.input(stripeEventIdInput).query(({ input }) => getStripeEvent(input)),
    byIds: platformAdminProcedure.input(stripeEventIdsInput).query(({ input }) => stripeEventsByIds(input)),
    replay: platformAdminProcedure.input(stripeEventIdInput).mutation(({ ctx, input }) => replayOneStripeEvent(ctx, input)),
    replayFailed: platformAdminProcedure.input(stripeEventFilterInput).mutation(({ ctx, input }) => replayFailedStripeEvents(ctx, input)),
  }),
  audit: platformAdminProcedure.input(listAuditInput).query(({ input }) => listAudit(input)),
});
