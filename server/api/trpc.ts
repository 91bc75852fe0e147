import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { MembershipRole, Tenant } from "@/server/db/schema";
import { withTenant } from "@/server/db/tenancy";
import { roleAtLeast, type TenantContext } from "@/server/domain/context";
import { DomainError } from "@/server/domain/errors";
import { findMembership } from "@/server/domain/tenants";
import { getUser } from "@/server/domain/users";
import { requestIdFrom } from "@/lib/request-id";
import { logger } from "@/server/logger";
import { internalErrorMessage, toTRPCError } from "./errors";
import { text } from "@/server/domain/text";

/** Who is calling. Built from the Auth.js session by the route handler, or by tests directly. */
export type ApiContext = {
  userId: string | null;
  impersonatorUserId: string | null;
  requestId: string;
  /** Keyed hash of the client's address (server/client-ip.ts), for per-client limits; null when unknown. */
  clientKey: string | null;
};

export function createApiContext(opts: { userId: string | null; impersonatorUserId?: string | null; requestId?: string | null; clientKey?: string | null }): ApiContext {
  return { userId: opts.userId, impersonatorUserId: opts.impersonatorUserId ?? null, requestId: requestIdFrom(opts.requestId), clientKey: opts.clientKey ?? null };
}

const t = initTRPC.context<ApiContext>().create({
  transformer: superjson,
  // An INTERNAL_SERVER_ERROR answers with a reference only; errorMapping logs its detail under that id.
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const fieldErrors =
      cause instanceof ZodError
        ? z.flattenError(cause).fieldErrors
        : cause instanceof DomainError
          ? (cause.fieldErrors ?? null)
          : null;
    const message = error.code === "INTERNAL_SERVER_ERROR" ? internalErrorMessage(ctx?.requestId) : shape.message;
    return { ...shape, message, data: { ...shape.data, stack: undefined, fieldErrors } };
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
 * Tenant-scoped procedures. The input carries `tenantSlug`; the user must be a
 * member (else NOT_FOUND, never revealing that the shop exists) with at least
 * `minRole` (else FORBIDDEN). The handler runs inside withTenant, so row-level
 * security confines it to this tenant; a failed handler rolls the transaction back.
 */
export function tenantProcedure({ minRole, allowWhenSuspended = false }: TenantProcedureOptions) {
  return authedProcedure
    .input(z.object({ tenantSlug: text().min(1).max(63) }))
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
      return withTenant(tenant.id, async (tx) => {
        const tenantCtx: TenantContext = {
          tx,
          tenantId: tenant.id,
          role,
          userId: ctx.userId,
          impersonatorUserId: ctx.impersonatorUserId,
          requestId: ctx.requestId,
        };
        const result = await next({ ctx: { ...ctx, tenant: tenant as Tenant, tenantCtx } });
        // Throwing (rather than returning the failed result) rolls the transaction back.
        if (!result.ok) throw result.error;
        return result;
      });
    });
}

export const platformAdminProcedure = authedProcedure.use(async ({ ctx, next }) => {
  const user = await getUser(ctx.userId);
  if (!user?.isPlatformAdmin || ctx.impersonatorUserId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Platform administrators only" });
  }
  return next();
});
