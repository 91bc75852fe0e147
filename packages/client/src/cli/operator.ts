import { Command, Option } from "commander";
import type { SoukClient, SoukInputs, SoukOutputs } from "../index";
import type { Output } from "./output";

/**
 * The team and operator commands: `users` (a shop key: its own shop's team), and `tenants`,
 * `webhooks`, `stats` (a platform key with the admin scope). Registered by createProgram, which
 * passes how to connect, find the key's shop, write output and parse numbers.
 */
export type CommandKit = {
  connect(): Promise<SoukClient>;
  shopOf(client: SoukClient): Promise<string>;
  outputOf(command: Command): Output;
  positiveInt(value: string, flag: string, min?: number, max?: number): number;
};

const ROLES = ["owner", "admin", "member", "viewer"] as const;
const TENANT_STATUSES = ["pending", "provisioning", "active", "suspended", "failed", "deleted"] as const;
const EVENT_STATUSES = ["received", "processed", "failed"] as const;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type TenantRow = SoukOutputs["admin"]["tenants"]["list"]["rows"][number];
type EventRow = SoukOutputs["admin"]["stripeEvents"]["list"]["rows"][number];

const date = (d: Date | null | undefined) => (d ? d.toISOString().replace(/\.\d{3}Z$/, "Z") : "");

function tenantRow(t: TenantRow) {
  return [t.slug, t.name, t.status, t.plan, t.subscriptionStatus ?? "", t.members, date(t.createdAt), t.id];
}
const tenantHead = ["slug", "name", "status", "plan", "subscription", "members", "created", "id"];

function eventRow(e: EventRow) {
  return [e.id, e.type, e.status, e.attempts, date(e.receivedAt), date(e.processedAt), e.lastError ?? ""];
}
const eventHead = ["id", "type", "status", "attempts", "received", "processed", "error"];

/** The console's lists come in pages of 25: fetch pages until `limit` rows or the end. */
async function collect<T>(limit: number, page: (n: number) => Promise<{ rows: T[]; total: number }>): Promise<{ rows: T[]; total: number }> {
  const rows: T[] = [];
  let total = 0;
  for (let n = 1; ; n++) {
    const result = await page(n);
    total = result.total;
    rows.push(...result.rows);
    if (result.rows.length === 0 || rows.length >= Math.min(limit, total)) break;
  }
  return { rows: rows.slice(0, limit), total };
}

/** A tenant by id, or by its exact slug (found through the admin list's search). */
async function tenantIdOf(client: SoukClient, slugOrId: string): Promise<string> {
  if (UUID.test(slugOrId)) return slugOrId;
  const { rows } = await client.admin.tenants.list.query({ q: slugOrId, sort: "slug", dir: "asc" });
  const tenant = rows.find((r) => r.slug === slugOrId);
  if (!tenant) throw new Error(`No shop with the slug "${slugOrId}".`);
  return tenant.id;
}

export function addOperatorCommands(program: Command, kit: CommandKit): void {
  const limitOption = () => new Option("--limit <n>", "at most this many").argParser((v) => kit.positiveInt(v, "--limit")).default(100);

  const users = program.command("users").description("your shop's team (shop key; adding needs the admin scope)");
  users
    .command("list")
    .description("list the shop's members, owners first")
    .action(async (_opts: unknown, command: Command) => {
      const out = kit.outputOf(command);
      const client = await kit.connect();
      const members = await client.team.members.query({ tenantSlug: await kit.shopOf(client) });
      if (out.json) out.data(members);
      else out.table(["email", "name", "role", "joined", "id"], members.map((m) => [m.email, m.name ?? "", m.role, date(m.joinedAt), m.userId]));
    });
  users
    .command("add")
    .description("invite someone by email (they get a link; they join when they accept it)")
    .argument("<email>", "who to invite")
    .addOption(new Option("--role <role>", "their role once they join").choices(ROLES).default("member"))
    .action(async (email: string, opts: { role: (typeof ROLES)[number] }, command: Command) => {
      const out = kit.outputOf(command);
      const client = await kit.connect();
      const tenantSlug = await kit.shopOf(client);
      const invitation = await client.team.invite.mutate({ tenantSlug, email, role: opts.role });
      if (out.json) out.data(invitation);
      else out.line(`Invited ${invitation.email} to ${tenantSlug} as ${invitation.role}; the link expires ${date(invitation.expiresAt)}.`);
    });

  const tenants = program.command("tenants").description("every shop on the platform (platform key with the admin scope)");
  tenants
    .command("list")
    .description("list shops, newest first")
    .addOption(new Option("--status <status>", "only this status").choices(TENANT_STATUSES))
    .option("--plan <plan>", "only this plan (its id, e.g. starter)")
    .option("--search <text>", "name or slug contains")
    .addOption(limitOption())
    .action(async (opts: { status?: (typeof TENANT_STATUSES)[number]; plan?: string; search?: string; limit: number }, command: Command) => {
      const out = kit.outputOf(command);
      const client = await kit.connect();
      const filter: SoukInputs["admin"]["tenants"]["list"] = { status: opts.status, plan: opts.plan, q: opts.search };
      const { rows, total } = await collect(opts.limit, (page) => client.admin.tenants.list.query({ ...filter, page }));
      if (out.json) return out.data({ rows, total });
      out.table(tenantHead, rows.map(tenantRow));
      if (total > rows.length) out.info(`${rows.length} of ${total} shown (--limit).`);
    });
  tenants
    .command("show")
    .description("one shop: its status, plan, subscription and members")
    .argument("<slug-or-id>", "the shop's slug or id")
    .action(async (slugOrId: string, _opts: unknown, command: Command) => {
      const out = kit.outputOf(command);
      const client = await kit.connect();
      const detail = await client.admin.tenants.get.query({ tenantId: await tenantIdOf(client, slugOrId) });
      if (out.json) return out.data(detail);
      const { tenant, subscription, plan } = detail;
      out.table(
        ["field", "value"],
        [
          ["id", tenant.id],
          ["slug", tenant.slug],
          ["name", tenant.name],
          ["status", tenant.status],
          ["plan", plan ? `${plan.name} (${plan.id})` : tenant.plan],
          ["subscription", subscription ? subscription.status : "none"],
          ["created", date(tenant.createdAt)],
          ["purge after", date(detail.purgeAfter)],
        ],
      );
      out.table(["email", "name", "role", "since"], detail.members.map((m) => [m.email, m.name ?? "", m.role, date(m.since)]));
    });
  for (const [name, verb, mutation] of [
    ["suspend", "suspended", "suspend"],
    ["resume", "active again", "resume"],
  ] as const) {
    tenants
      .command(name)
      .description(name === "suspend" ? "make an active shop read-only (its storefront and API refuse changes)" : "reopen a suspended shop")
      .argument("<slug-or-id>", "the shop's slug or id")
      .requiredOption("--reason <text>", "why (kept in the shop's audit trail)")
      .action(async (slugOrId: string, opts: { reason: string }, command: Command) => {
        const out = kit.outputOf(command);
        const client = await kit.connect();
        const result = await client.admin.tenants[mutation].mutate({ tenantId: await tenantIdOf(client, slugOrId), reason: opts.reason });
        if (out.json) out.data(result);
        else out.line(`${slugOrId} is ${verb} (was ${result.from}).`);
      });
  }

  const webhooks = program.command("webhooks").description("received Stripe webhooks (platform key with the admin scope)");
  webhooks
    .command("list")
    .description("list Stripe events, newest first")
    .addOption(new Option("--status <status>", "only this status").choices(EVENT_STATUSES))
    .option("--type <type>", 'an event type, or a prefix ending in "." (invoice.)')
    .addOption(limitOption())
    .action(async (opts: { status?: (typeof EVENT_STATUSES)[number]; type?: string; limit: number }, command: Command) => {
      const out = kit.outputOf(command);
      const client = await kit.connect();
      const { rows, total } = await collect(opts.limit, (page) => client.admin.stripeEvents.list.query({ status: opts.status, type: opts.type, page }));
      if (out.json) return out.data({ rows, total });
      out.table(eventHead, rows.map(eventRow));
      if (total > rows.length) out.info(`${rows.length} of ${total} shown (--limit).`);
    });
  webhooks
    .command("replay")
    .description("process a Stripe event again (the worker takes it; `webhooks list` shows how it ended)")
    .argument("<event-id>", "the Stripe event id (evt_…)")
    .action(async (id: string, _opts: unknown, command: Command) => {
      const out = kit.outputOf(command);
      const result = await (await kit.connect()).admin.stripeEvents.replay.mutate({ id });
      if (out.json) out.data(result);
      else out.line(`Replay of ${id} queued.`);
    });

  program
    .command("stats")
    .description("the platform at a glance: shops by status and plan, MRR, today's events, the job queue (platform key)")
    .action(async (_opts: unknown, command: Command) => {
      const out = kit.outputOf(command);
      const stats = await (await kit.connect()).admin.stats.query();
      if (out.json) return out.data(stats);
      const statuses = Object.keys(stats.statuses);
      const plans = [...new Set(stats.byPlan.map((r) => r.plan))];
      const cell = (plan: string, status: string) => stats.byPlan.find((r) => r.plan === plan && r.status === status)?.n ?? 0;
      out.line(`${out.color.bold("Shops")} (${stats.tenants}, ${stats.users} users)`);
      out.table(["plan", ...statuses, "total"], [
        ...plans.map((p) => [p, ...statuses.map((s) => cell(p, s)), statuses.reduce((a, s) => a + cell(p, s), 0)]),
        ["all", ...statuses.map((s) => stats.statuses[s] ?? 0), stats.tenants],
      ]);
      out.line(out.color.bold("MRR"));
      out.table(["currency", "amount", "paying shops"], stats.mrr.map((m) => [m.currency, m.amount, m.shops]));
      out.line(out.color.bold("Today (UTC)"));
      out.table(["usage events", "Stripe events"], [[stats.eventsToday.usage, stats.eventsToday.stripe]]);
      out.line(out.color.bold("Job queue"));
      out.table(["ready", "running", "scheduled", "failed", "total"], [[stats.queue.ready, stats.queue.running, stats.queue.scheduled, stats.queue.failed, stats.queue.total]]);
    });
}
