import { randomUUID } from "node:crypto";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { MembershipRole, Tenant } from "@/server/db/schema";
import { withTenant } from "@/server/db/tenancy";
import { roleAtLeast, type TenantContext, type TenantScope } from "@/server/domain/context";
import { DomainError } from "@/server/domain/errors";
import { findMembership } from "@/server/domain/tenants";
import { getUser } from "@/server/domain/users";
import { logger } from "@/server/logger";
import { toTRPCError } from "./errors";

/** Who is calling. Built from the Auth.js session by the route handler, or by tests directly. */
export type ApiContext = {
  userId: string | null;
  impersonatorUserId: string | null;
  requestId: string;
};

export function createApiContext(opts: { userId: string | null; impersonatorUserId?: string | null; requestId?: string | null }): ApiContext {
  return { userId: opts.userId, impersonatorUserId: opts.impersonatorUserId ?? null, requestId: opts.requestId ?? randomUUID() };
}

const t = initTRPC.context<ApiContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const fieldErrors =
      cause instanceof ZodError
        ? z.flattenError(cause).fieldErrors
        : cause instanceof DomainError
          ? (cause.fieldErrors ?? null)
          : null;
    return { ...shape, data: { ...shape.data, stack: undefined, fieldErrors } };
  },
});

export const createCallerFactory = t.createCallerFactory;
export const createTRPCRouter = t.router;

/** Maps domain errors to tRPC codes and logs unexpected failures (with the request id). */
const errorMapping = t.middleware(async ({ ctx, path, type, next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause ?? result.error);
    if (mapped instanceof TRPCError) throw mapped;
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      logger.error({ err: result.error.cause ?? result.error, path, type, requestId: ctx.requestId }, "procedure failed");
    }
  }
  return result;
});

export const publicProcedure = t.procedure.use(errorMapping);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { ...ctx, userId: ctx.userId } });
});

type TenantProcedureOptions = {
  /** Lowest role allowed. */
  minRole: MembershipRole;
  /** Mutations are refused while the shop is suspended unless this is set (billing, to pay). */
  allowWhenSuspended?: boolean;
};

/**
 * The membership check shared by both tenant builders. The input carries
 * `tenantSlug`; the user must be a member (else NOT_FOUND, never revealing that
 * the shop exists) with at least `minRole` (else FORBIDDEN). The lookup is its
 * own short transaction, finished before the handler runs.
 */
function tenantMember({ minRole, allowWhenSuspended = false }: TenantProcedureOptions) {
  return authedProcedure
    .input(z.object({ tenantSlug: z.string().min(1).max(63) }))
    .use(async ({ ctx, input, type, next }) => {
      const membership = await findMembership(ctx.userId, input.tenantSlug);
      if (!membership) throw new TRPCError({ code: "NOT_FOUND", message: "Shop not found" });
      const { tenant, role } = membership;
      if (!roleAtLeast(role, minRole)) {
        throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${minRole} role or higher; you are ${role}.` });
      }
      if (type === "mutation" && tenant.status === "suspended" && !allowWhenSuspended) {
        throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This shop is suspended and read-only until billing is resolved." });
      }
      const tenantScope: TenantScope = {
        tenantId: tenant.id,
        role,
        userId: ctx.userId,
        impersonatorUserId: ctx.impersonatorUserId,
        requestId: ctx.requestId,
      };
      return next({ ctx: { ...ctx, tenant: tenant as Tenant, tenantScope } });
    });
}

/**
 * Tenant-scoped procedures. The handler runs inside withTenant, so row-level
 * security confines it to this tenant; a failed handler rolls the transaction
 * back. Handlers must not call Stripe, S3 or mail (the connection would be held
 * across the call): use tenantScopeProcedure for those.
 */
export function tenantProcedure(options: TenantProcedureOptions) {
  return tenantMember(options).use(async ({ ctx, next }) =>
    withTenant(ctx.tenantScope.tenantId, async (tx) => {
      const tenantCtx: TenantContext = { ...ctx.tenantScope, tx };
      const result = await next({ ctx: { ...ctx, tenantCtx } });
      // Throwing (rather than returning the failed result) rolls the transaction back.
      if (!result.ok) throw result.error;
      return result;
    }),
  );
}

/**
 * Tenant-scoped procedures that call outside services (Stripe, S3). Membership
 * is checked as for tenantProcedure, but no transaction is held: the domain
 * gets `ctx.tenantScope` and opens its own short transactions around the
 * outside calls (inTenant, or the billing door), so a slow Stripe answer never
 * holds a pooled connection.
 */
export function tenantScopeProcedure(options: TenantProcedureOptions) {
  return tenantMember(options);
}

export const platformAdminProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const user = await getUser(ctx.userId);
  if (!user?.isPlatformAdmin || ctx.impersonatorUserId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Platform administrators only" });
  }
  return next();
});
