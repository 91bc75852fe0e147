import { SpanStatusCode, trace } from "@opentelemetry/api";
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { MembershipRole, Tenant } from "@/server/db/schema";
import { withTenant } from "@/server/db/tenancy";
import { roleAtLeast, type TenantContext, type TenantScope } from "@/server/domain/context";
import { DomainError } from "@/server/domain/errors";
import { apiKeyFailureMessage, roleForScopes, type ApiKeyFailure, type ApiPrincipal } from "@/server/domain/api-keys";
import { findMembership, findTenantBySlug } from "@/server/domain/tenants";
import { trialEndedMessage, trialState } from "@/server/domain/trials";
import { countApiCall } from "@/server/usage/api-call-meter";
import { getUser } from "@/server/domain/users";
import { requestIdFrom } from "@/lib/request-id";
import { logger } from "@/server/logger";
import { metrics } from "@/server/observability/metrics";
import { currentRequestContext, runWithRequestContext } from "@/server/observability/request-context";
import { internalErrorMessage, toTRPCError } from "./errors";
import { text } from "@/server/domain/text";

/**
 * Who is calling: a signed-in user (Auth.js session) or an API key (Authorization: Bearer),
 * built by the route handler or by tests directly. `apiKeyFailure` says why a bearer key
 * presented was refused, so procedures answer UNAUTHORIZED with the reason.
 */
export type ApiContext = {
  userId: string | null;
  impersonatorUserId: string | null;
  requestId: string;
  apiKey: ApiPrincipal | null;
  apiKeyFailure: ApiKeyFailure | null;
  /** Keyed hash of the client's address (server/client-ip.ts), for per-client limits; null when unknown. */
  clientKey: string | null;
};

export function createApiContext(opts: {
  userId: string | null;
  impersonatorUserId?: string | null;
  requestId?: string | null;
  apiKey?: ApiPrincipal | null;
  apiKeyFailure?: ApiKeyFailure | null;
  clientKey?: string | null;
}): ApiContext {
  return {
    userId: opts.userId,
    impersonatorUserId: opts.impersonatorUserId ?? null,
    requestId: requestIdFrom(opts.requestId),
    apiKey: opts.apiKey ?? null,
    apiKeyFailure: opts.apiKeyFailure ?? null,
    clientKey: opts.clientKey ?? null,
  };
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

const tracer = trace.getTracer("souk");

/**
 * Maps domain errors to tRPC codes and logs unexpected failures (with the request id). Each call
 * is a span (a no-op without a tracing SDK), failures are counted by code, and a call made
 * without a request context (a Server Component's caller) runs in one with its request id.
 */
const errorMapping = t.middleware(({ ctx, path, type, next }) => {
  const call = () =>
    tracer.startActiveSpan(`trpc ${type} ${path}`, { attributes: { "rpc.system": "trpc", "rpc.method": path } }, async (span) => {
      try {
        const result = await next();
        if (result.ok) return result;
        const mapped = toTRPCError(result.error.cause ?? result.error);
        const code = mapped instanceof TRPCError ? mapped.code : result.error.code;
        metrics.trpcErrors.inc({ procedure: path, type, code });
        span.setAttribute("rpc.trpc.error_code", code);
        if (mapped instanceof TRPCError) throw mapped;
        if (code === "INTERNAL_SERVER_ERROR") {
          span.setStatus({ code: SpanStatusCode.ERROR });
          logger.error({ err: result.error.cause ?? result.error, path, type, requestId: ctx.requestId }, "procedure failed");
        }
        return result;
      } finally {
        span.end();
      }
    });
  return currentRequestContext() ? call() : runWithRequestContext({ requestId: ctx.requestId }, call);
});

export const publicProcedure = t.procedure.use(errorMapping);

function unauthorized(ctx: ApiContext): TRPCError {
  if (ctx.apiKeyFailure) return new TRPCError({ code: "UNAUTHORIZED", message: apiKeyFailureMessage[ctx.apiKeyFailure] });
  return new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
}

/** A signed-in user. An API key is not a user: user-level procedures refuse it. */
export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (ctx.apiKeyFailure) throw unauthorized(ctx);
  if (ctx.apiKey) throw new TRPCError({ code: "FORBIDDEN", message: "API keys act on a shop's procedures only." });
  if (!ctx.userId) throw unauthorized(ctx);
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
  return publicProcedure
    .input(z.object({ tenantSlug: text().min(1).max(63) }))
    .use(async ({ ctx, input, type, next }) => {
      const { tenant, tenantScope } = await checkTenantCaller(ctx, input.tenantSlug, type === "mutation", { minRole, allowWhenSuspended });
      return next({ ctx: { ...ctx, tenant, tenantScope } });
    });
}

/**
 * The tenant check itself, for tRPC procedures and for route handlers that stream (they cannot
 * be procedures): membership (or a shop key), role, and for a change, an ended trial or a
 * suspended shop. Throws TRPCError; route handlers map it with getHTTPStatusCodeFromError.
 */
export async function checkTenantCaller(
  ctx: ApiContext,
  tenantSlug: string,
  isChange: boolean,
  { minRole, allowWhenSuspended = false }: TenantProcedureOptions,
): Promise<{ tenant: Tenant; tenantScope: TenantScope }> {
  const { tenant, role, userId } = await resolveTenantCaller(ctx, tenantSlug);
  if (!roleAtLeast(role, minRole)) {
    const who = ctx.apiKey ? "this API key's scopes give" : "you are";
    throw new TRPCError({ code: "FORBIDDEN", message: `This needs the ${minRole} role or higher; ${who} ${role}.` });
  }
  // A trial that is over is read-only at once, before the job suspends the shop.
  const trial = trialState(tenant);
  if (isChange && trial?.ended && !allowWhenSuspended) {
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: trialEndedMessage(trial) });
  }
  if (isChange && tenant.status === "suspended" && !allowWhenSuspended) {
    throw new TRPCError({ code: "PRECONDITION_FAILED", message: "This shop is suspended and read-only until billing is resolved." });
  }
  const tenantScope: TenantScope = {
    tenantId: tenant.id,
    role,
    userId,
    impersonatorUserId: ctx.impersonatorUserId,
    requestId: ctx.requestId,
  };
  return { tenant, tenantScope };
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

/**
 * The shop named by the slug and the caller's role in it. A user: their membership. A shop key:
 * its own shop only (any other slug is NOT_FOUND, exactly like a shop the user is no member of),
 * with the role its scopes give; the call is counted as the shop's api_calls usage.
 */
async function resolveTenantCaller(ctx: ApiContext, slug: string): Promise<{ tenant: Tenant; role: MembershipRole; userId: string | null }> {
  if (ctx.apiKeyFailure) throw unauthorized(ctx);
  if (ctx.apiKey) {
    const key = ctx.apiKey;
    if (key.kind !== "shop" || key.tenantSlug !== slug) throw new TRPCError({ code: "NOT_FOUND", message: "Shop not found" });
    const tenant = await findTenantBySlug(slug);
    if (!tenant || tenant.id !== key.tenantId) throw new TRPCError({ code: "NOT_FOUND", message: "Shop not found" });
    countApiCall(tenant.id);
    const role = roleForScopes(key.scopes);
    if (!role) throw new TRPCError({ code: "FORBIDDEN", message: "This API key has no catalog or admin scope." });
    return { tenant, role, userId: null };
  }
  if (!ctx.userId) throw unauthorized(ctx);
  const membership = await findMembership(ctx.userId, slug);
  if (!membership) throw new TRPCError({ code: "NOT_FOUND", message: "Shop not found" });
  return { ...membership, userId: ctx.userId };
}

/**
 * Platform administration: a signed-in platform admin (never while impersonating), or a platform
 * service key with the admin scope (the operator's CLI), acting with no user.
 */
export const platformAdminProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (ctx.apiKeyFailure) throw unauthorized(ctx);
  if (ctx.apiKey) {
    if (ctx.apiKey.kind === "platform" && ctx.apiKey.scopes.includes("admin")) return next({ ctx: { ...ctx, userId: null } });
    throw new TRPCError({ code: "FORBIDDEN", message: "Platform administrators only: use a platform key with the admin scope." });
  }
  if (!ctx.userId) throw unauthorized(ctx);
  const user = await getUser(ctx.userId);
  if (!user?.isPlatformAdmin || ctx.impersonatorUserId) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Platform administrators only" });
  }
  return next({ ctx: { ...ctx, userId: ctx.userId } });
});

/**
 * A platform admin in person (a session, never a key, never while impersonating): for decisions
 * about people (disabling an account, impersonating one), which no service should make.
 */
export const platformAdminUserProcedure = platformAdminProcedure.use(({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: "FORBIDDEN", message: "Only a platform admin signed in in person can do this, not an API key." });
  return next({ ctx: { ...ctx, userId: ctx.userId } });
});

/** Who the caller is: a signed-in user, a shop key (with its shop) or a platform key. */
export type Caller =
  | { kind: "user"; userId: string }
  | { kind: "shop_key"; tenantSlug: string; scopes: ApiPrincipal["scopes"] }
  | { kind: "platform_key"; scopes: ApiPrincipal["scopes"] };

export const callerProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (ctx.apiKeyFailure) throw unauthorized(ctx);
  const caller: Caller | null = ctx.apiKey
    ? ctx.apiKey.kind === "shop"
      ? { kind: "shop_key", tenantSlug: ctx.apiKey.tenantSlug ?? "", scopes: ctx.apiKey.scopes }
      : { kind: "platform_key", scopes: ctx.apiKey.scopes }
    : ctx.userId
      ? { kind: "user", userId: ctx.userId }
      : null;
  if (!caller) throw unauthorized(ctx);
  return next({ ctx: { ...ctx, caller } });
});
