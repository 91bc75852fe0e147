import { and, asc, count, eq, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { memberships, products, storefrontSettings, tenants, type MembershipRole, type Tenant } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { recordAudit } from "./audit";
import type { Actor, TenantContext } from "./context";
import { DomainError, fieldError, isUniqueViolation } from "./errors";
import { provisionTenant } from "./lifecycle";
import { currencyDigits, currencyInput } from "./money";
import { assertCanOpenShop, trialEndFor } from "./trials";
import { slugify } from "@/lib/slug";
import { text } from "./text";

/** Paths that must never be a shop's slug (they are routes or hostnames). */
const reservedSlugs = new Set([
  "admin", "api", "app", "auth", "billing", "dashboard", "dev", "docs", "help", "mail", "new",
  "onboarding", "s", "settings", "sign-in", "sign-up", "static", "status", "support", "www",
]);

export const slugInput = text()
  .trim()
  .toLowerCase()
  .min(3, "Use at least 3 characters")
  .max(40, "Use at most 40 characters")
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "Use lowercase letters, digits and single hyphens")
  .refine((s) => !reservedSlugs.has(s), "This address is reserved");

export const tenantNameInput = text().trim().min(2, "Use at least 2 characters").max(80, "Use at most 80 characters");

export const brandColorInput = text().regex(/^#[0-9a-fA-F]{6}$/, "Use a hex colour like #0f766e");

export const createTenantInput = z.object({
  name: tenantNameInput,
  slug: slugInput.optional(),
  defaultCurrency: currencyInput.default("EUR"),
  /** trial: provisioned at once. A paid plan: the shop stays pending until its Checkout is paid. */
  plan: z.enum(["trial", "starter", "pro", "museum"]).default("trial"),
});

export const updateTenantSettingsInput = z
  .object({
    name: tenantNameInput.optional(),
    defaultCurrency: currencyInput.optional(),
    brandColor: brandColorInput.nullable().optional(),
  })
  .refine((v) => Object.values(v).some((x) => x !== undefined), "Nothing to update");

export type TenantSummary = Pick<Tenant, "id" | "slug" | "name" | "status" | "plan"> & { role: MembershipRole };

/**
 * Creates a shop (status pending); the creator becomes its owner. On the free
 * trial it is provisioned at once (pending → provisioning → active); on a paid
 * plan it stays pending until Stripe Checkout completes (webhook → provisioning job).
 */
export async function createTenant(actor: Actor & { userId: string }, input: z.input<typeof createTenantInput>): Promise<Tenant> {
  const parsedInput = createTenantInput.parse(input);
  const tenant = await insertPendingTenant(actor, parsedInput);
  if (parsedInput.plan !== "trial") return tenant;
  await provisionTenant(tenant.id, `user:${actor.userId}`);
  const [current] = await withSystem("create-tenant", (tx) => tx.select().from(tenants).where(eq(tenants.id, tenant.id)));
  return current ?? tenant;
}

async function insertPendingTenant(actor: Actor & { userId: string }, input: z.output<typeof createTenantInput>): Promise<Tenant> {
  const slug = input.slug ?? slugify(input.name);
  const parsed = slugInput.safeParse(slug);
  if (!parsed.success) throw fieldError("slug", parsed.error.issues[0]?.message ?? "Choose another address");
  return withSystem("create-tenant", async (tx) => {
    await assertCanOpenShop(tx, actor.userId, input.plan);
    // A paid-plan shop waits for Checkout on no trial at all.
    const trialEndsAt = input.plan === "trial" ? await trialEndFor(tx) : null;
    let tenant: Tenant | undefined;
    try {
      [tenant] = await tx
        .insert(tenants)
        .values({ slug: parsed.data, name: input.name, defaultCurrency: input.defaultCurrency, status: "pending", plan: "trial", trialEndsAt })
        .returning();
    } catch (error) {
      if (isUniqueViolation(error, "tenants_slug_key")) throw fieldError("slug", "This address is already taken");
      throw error;
    }
    if (!tenant) throw new Error("insert returned no row");
    await tx.insert(memberships).values({ tenantId: tenant.id, userId: actor.userId, role: "owner" });
    await recordAudit(tx, actor, { tenantId: tenant.id, action: "tenant.created", targetType: "tenant", targetId: tenant.id, metadata: { slug: tenant.slug, name: tenant.name, plan: input.plan } });
    return tenant;
  });
}

/** The user's shops, across tenants (hence the system door), oldest first. */
export async function listTenantsForUser(userId: string): Promise<TenantSummary[]> {
  return withSystem("list-my-tenants", (tx) =>
    tx
      .select({ id: tenants.id, slug: tenants.slug, name: tenants.name, status: tenants.status, plan: tenants.plan, role: memberships.role })
      .from(memberships)
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .where(and(eq(memberships.userId, userId), ne(tenants.status, "deleted")))
      .orderBy(asc(memberships.createdAt)),
  );
}

/**
 * Resolves a shop slug to the user's membership in it. Returns null both when
 * the shop does not exist and when the user is not a member, so callers cannot
 * tell the two apart.
 */
export async function findMembership(userId: string, slug: string): Promise<{ tenant: Tenant; role: MembershipRole } | null> {
  const [row] = await withSystem("resolve-membership", (tx) =>
    tx
      .select({ tenant: tenants, role: memberships.role })
      .from(memberships)
      .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
      .where(and(eq(memberships.userId, userId), eq(tenants.slug, slug), ne(tenants.status, "deleted"))),
  );
  return row ?? null;
}

/** A shop by slug, unless deleted (API-key callers, whose key already names the shop). */
export async function findTenantBySlug(slug: string): Promise<Tenant | null> {
  const [tenant] = await withSystem("resolve-tenant", (tx) => tx.select().from(tenants).where(and(eq(tenants.slug, slug), ne(tenants.status, "deleted"))));
  return tenant ?? null;
}

export async function getTenant(ctx: TenantContext): Promise<Tenant> {
  const [tenant] = await ctx.tx.select().from(tenants).where(eq(tenants.id, ctx.tenantId));
  if (!tenant) throw new DomainError("not_found", "Shop not found");
  return tenant;
}

/** The storefront's default primary colour (storefront_settings.primary_color). */
const defaultBrandColor = "#0f766e";

/**
 * Name, default currency and brand colour. The brand colour is the storefront
 * theme's primary colour (storefront_settings, what the storefront reads), the
 * same one the Storefront page edits.
 */
export async function updateTenantSettings(ctx: TenantContext, input: z.output<typeof updateTenantSettingsInput>): Promise<Tenant> {
  const current = await getTenant(ctx);
  if (input.defaultCurrency && input.defaultCurrency !== current.defaultCurrency) {
    // Products without a currency take the default: their prices must fit the new one's digits.
    const digits = currencyDigits(input.defaultCurrency);
    const [misfits] = await ctx.tx
      .select({ n: count() })
      .from(products)
      .where(and(isNull(products.currency), sql`scale(trim_scale(${products.price})) > ${digits}`));
    if (misfits && misfits.n > 0) {
      throw fieldError("defaultCurrency", `${misfits.n} product price${misfits.n === 1 ? " has" : "s have"} more decimals than ${input.defaultCurrency} allows (${digits}); change ${misfits.n === 1 ? "it" : "them"} first.`);
    }
  }
  const [updated] = await ctx.tx
    .update(tenants)
    .set({ name: input.name ?? current.name, defaultCurrency: input.defaultCurrency ?? current.defaultCurrency })
    .where(eq(tenants.id, ctx.tenantId))
    .returning();
  if (!updated) throw new DomainError("not_found", "Shop not found");
  const [theme] = await ctx.tx.select({ primaryColor: storefrontSettings.primaryColor }).from(storefrontSettings);
  if (input.brandColor !== undefined) {
    const primaryColor = input.brandColor ?? defaultBrandColor;
    await ctx.tx
      .insert(storefrontSettings)
      .values({ tenantId: ctx.tenantId, primaryColor })
      .onConflictDoUpdate({ target: storefrontSettings.tenantId, set: { primaryColor, updatedAt: new Date() } });
  }
  await recordAudit(ctx.tx, ctx, {
    tenantId: ctx.tenantId,
    action: "tenant.settings_updated",
    targetType: "tenant",
    targetId: ctx.tenantId,
    metadata: { changes: input, previous: { name: current.name, defaultCurrency: current.defaultCurrency, brandColor: theme?.primaryColor ?? defaultBrandColor } },
  });
  return updated;
}
