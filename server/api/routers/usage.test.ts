import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBilling } from "@/server/domain/usage/billing-run";
import { usageStatementCsv } from "@/server/domain/usage/statements";
import { addMember, callerFor, makeTenant, makeUser } from "@/test/factories";
import { addUsage, lastPeriod } from "@/test/billing-fixtures";
import { startStripeHarness, type StripeHarness } from "@/test/stripe-harness";
import { codeOf } from "@/test/trpc";
import type { PublicUser } from "@/server/domain/users";
import type { Tenant } from "@/server/db/schema";

const period = lastPeriod();
const month = period.slice(0, 7);
let stripe: StripeHarness;
let owner: PublicUser;
let shop: Tenant;
let other: Tenant;

beforeAll(async () => {
  stripe = await startStripeHarness();
  owner = await makeUser("Owner");
  shop = await makeTenant(owner, "Statement shop");
  other = await makeTenant(await makeUser("Other"), "Other shop");
  await addUsage(shop.id, period, "storefront_visits", "6000", 3); // trial: 5000 included
  await addUsage(shop.id, period, "api_calls", "10", 1);
  await addUsage(other.id, period, "api_calls", "99", 1);
  await runBilling({ period: month, trigger: "test" });
});
afterAll(() => stripe.close());

describe("usage router: statements", () => {
  it("lists and opens the shop's own statement line by line, for any member", async () => {
    const viewer = await makeUser("Viewer");
    await addMember(shop.id, viewer.id, "viewer");
    const api = callerFor(viewer.id);
    const list = await api.usage.statements({ tenantSlug: shop.slug });
    expect(list.map((s) => [s.period, s.plan, s.total, s.events])).toEqual([[period, "trial", "0.000", 4]]);
    const statement = await api.usage.statement({ tenantSlug: shop.slug, period: month });
    expect(statement.tenantId).toBe(shop.id);
    expect(statement.lines.map((l) => [l.metric, l.quantity, l.included, l.billable])).toEqual([
      ["api_calls", "10.000000", "10000.000000", "0.000000"],
      ["storefront_visits", "6000.000000", "5000.000000", "1000.000000"],
    ]);
    expect(usageStatementCsv(statement).split("\r\n")).toEqual([
      "period,metric,quantity,included,billable,unit_price,amount,currency",
      `${month},api_calls,10.000000,10000.000000,0.000000,0.00000000,0.000,EUR`,
      `${month},storefront_visits,6000.000000,5000.000000,1000.000000,0.00000000,0.000,EUR`,
      `${month},total,,,,,0.000,EUR`,
      "",
    ]);
  });

  it("never shows another shop's statements, and answers a bad or unbilled period clearly", async () => {
    const api = callerFor(owner.id);
    expect(await codeOf(api.usage.statements({ tenantSlug: other.slug }))).toBe("NOT_FOUND");
    expect((await api.usage.statements({ tenantSlug: shop.slug })).every((s) => s.tenantId === shop.id)).toBe(true);
    expect(await codeOf(api.usage.statement({ tenantSlug: shop.slug, period: "2020-01" }))).toBe("NOT_FOUND");
    expect(await codeOf(api.usage.statement({ tenantSlug: shop.slug, period: "13/2026" }))).toBe("BAD_REQUEST");
  });
});
