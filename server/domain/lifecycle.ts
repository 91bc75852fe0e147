import { and, eq, inArray, lte } from "drizzle-orm";
import { memberships, provisioningLogs, tenants, users, type TenantStatus } from "@/server/db/schema";
import { withSystem, type Tx } from "@/server/db/tenancy";
import { recordAudit } from "./audit";
import { DomainError } from "./errors";

/**
 * The tenant lifecycle (DESIGN.md): pending → provisioning → active;
 * provisioning → failed (retryable); active ⇄ suspended; any → deleted.
 * Every transition runs through `transitionTenant`, which writes the change,
 * a provisioning_logs "transition" row and an audit row with its cause, in the
 * caller's system transaction.
 */
const allowed: Record<TenantStatus, TenantStatus[]> = {
  pending: ["provisioning", "deleted"],
  provisioning: ["active", "failed", "deleted"],
  failed: ["provisioning", "deleted"],
  active: ["suspended", "deleted"],
  suspended: ["active", "deleted"],
  deleted: [],
};

export type TransitionResult = { changed: boolean; from: TenantStatus | null; to: TenantStatus };

export async function transitionTenant(tx: Tx, tenantId: string, to: TenantStatus, cause: string, detail: Record<string, unknown> = {}): Promise<TransitionResult> {
  const [row] = await tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId)).for("update");
  if (!row) return { changed: false, from: null, to };
  if (row.status === to || !allowed[row.status].includes(to)) return { changed: false, from: row.status, to };
  await tx
    .update(tenants)
    .set({ status: to, deletedAt: to === "deleted" ? new Date() : null })
    .where(eq(tenants.id, tenantId));
  await tx.insert(provisioningLogs).values({ tenantId, step: "transition", status: "succeeded", cause, detail: { from: row.status, to, ...detail } });
  await recordAudit(tx, { userId: null }, { tenantId, action: "tenant.status_changed", targetType: "tenant", targetId: tenantId, metadata: { from: row.status, to, cause, ...detail } });
  return { changed: true, from: row.status, to };
}

export type ProvisioningStep = {
  name: string;
  /** Must be idempotent: it may run again after a crash between its effect and its log row. */
  run: (tx: Tx, tenantId: string) => Promise<Record<string, unknown> | void>;
};

/**
 * Default provisioning steps. Each is idempotent; a step whose last log row
 * is "succeeded" is skipped on a resumed run.
 */
export const defaultProvisioningSteps: ProvisioningStep[] = [
  {
    name: "welcome_email",
    async run(tx, tenantId) {
      const { enqueueJob } = await import("@/server/jobs/queue");
      const { sendWelcomeEmailJob } = await import("@/server/jobs/billing");
      // jobKey: a resumed run replaces the queued mail instead of sending two.
      await enqueueJob(tx, sendWelcomeEmailJob, { tenantId }, { jobKey: `welcome:${tenantId}` });
      return { queued: true };
    },
  },
];

async function succeededSteps(tx: Tx, tenantId: string): Promise<Set<string>> {
  const rows = await tx
    .select({ step: provisioningLogs.step, status: provisioningLogs.status })
    .from(provisioningLogs)
    .where(eq(provisioningLogs.tenantId, tenantId))
    .orderBy(provisioningLogs.id);
  const last = new Map<string, string>();
  for (const r of rows) last.set(r.step, r.status);
  return new Set([...last].filter(([, status]) => status === "succeeded").map(([step]) => step));
}

/**
 * Runs (or resumes) provisioning: pending/failed → provisioning → each step
 * not yet succeeded, each in its own transaction with its log row → active.
 * A failing step is logged with its error and leaves the tenant "failed", to
 * be retried by `retryProvisioning`. Returns the final status.
 */
export async function provisionTenant(tenantId: string, cause: string, steps: ProvisioningStep[] = defaultProvisioningSteps): Promise<TenantStatus> {
  const start = await withSystem("provisioning", async (tx) => {
    const [row] = await tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId)).for("update");
    if (!row) return null;
    if (row.status === "pending" || row.status === "failed") await transitionTenant(tx, tenantId, "provisioning", cause);
    return row.status === "pending" || row.status === "failed" || row.status === "provisioning" ? "provisioning" : row.status;
  });
  if (start !== "provisioning") return start ?? "deleted";
  const done = await withSystem("provisioning", (tx) => succeededSteps(tx, tenantId));
  for (const step of steps) {
    if (done.has(step.name)) continue;
    try {
      await withSystem("provisioning", async (tx) => {
        // Another run for the same shop (the job queued twice, on another worker) may have done
        // the step since: with the shop's row locked, look again, so a step runs and logs once.
        await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for("update");
        if ((await succeededSteps(tx, tenantId)).has(step.name)) return;
        const detail = (await step.run(tx, tenantId)) ?? {};
        await tx.insert(provisioningLogs).values({ tenantId, step: step.name, status: "succeeded", cause, detail });
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await withSystem("provisioning", async (tx) => {
        await tx.insert(provisioningLogs).values({ tenantId, step: step.name, status: "failed", cause, error: message });
        await transitionTenant(tx, tenantId, "failed", cause, { step: step.name, error: message });
      });
      return "failed";
    }
  }
  const end = await withSystem("provisioning", (tx) => transitionTenant(tx, tenantId, "active", cause));
  return end.changed ? "active" : (end.from ?? "deleted");
}

/** Queues provisioning again for a failed tenant (owner/admin from the dashboard, or an admin). */
export async function retryProvisioning(tenantId: string, cause: string): Promise<void> {
  await withSystem("provisioning", async (tx) => {
    const [row] = await tx.select({ status: tenants.status }).from(tenants).where(eq(tenants.id, tenantId));
    if (row?.status !== "failed") throw new DomainError("precondition_failed", "Only a shop whose setup failed can be retried.");
    const { enqueueJob } = await import("@/server/jobs/queue");
    const { provisionTenantJob } = await import("@/server/jobs/billing");
    await enqueueJob(tx, provisionTenantJob, { tenantId, cause }, { jobKey: `provision:${tenantId}` });
  });
}

/** Owners' e-mail addresses, for lifecycle mail. */
export async function ownerEmails(tx: Tx, tenantId: string): Promise<{ email: string; shopName: string }[]> {
  return tx
    .select({ email: users.email, shopName: tenants.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(tenants, eq(tenants.id, memberships.tenantId))
    .where(and(eq(memberships.tenantId, tenantId), eq(memberships.role, "owner")));
}

/** Tenants deleted longer ago than the retention period. */
export async function tenantsDueForPurge(tx: Tx, before: Date): Promise<string[]> {
  const rows = await tx
    .select({ id: tenants.id })
    .from(tenants)
    .where(and(inArray(tenants.status, ["deleted"]), lte(tenants.deletedAt, before)));
  return rows.map((r) => r.id);
}
