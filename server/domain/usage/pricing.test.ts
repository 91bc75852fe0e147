import { describe, expect, it } from "vitest";
import { priceUsage, type PricingPlan } from "./pricing";

const starter: PricingPlan = {
  id: "starter",
  currency: "EUR",
  includedUsage: { storefront_visits: 50000, api_calls: 100000, storage_gb_months: 5 },
  overagePrices: { storefront_visits: "0.002", api_calls: "0.001", storage_gb_months: "0.100" },
};

describe("priceUsage", () => {
  it("bills nothing within the included quantity", () => {
    const { lines, total } = priceUsage(starter, [{ metric: "api_calls", quantity: "100000" }]);
    expect(lines).toEqual([
      { metric: "api_calls", quantity: "100000.000000", included: "100000.000000", billable: "0.000000", unitPrice: "0.00100000", amount: "0.000", currency: "EUR" },
    ]);
    expect(total).toBe("0.000");
  });

  it("bills the overage at the unit price, exactly, rounded to the currency's cents", () => {
    const { lines, total } = priceUsage(starter, [
      { metric: "storefront_visits", quantity: "51235" }, // 1235 × 0.002 = 2.47
      { metric: "storage_gb_months", quantity: "5.123456" }, // 0.123456 × 0.1 = 0.0123456 → 0.01
      { metric: "api_calls", quantity: "100001" }, // 1 × 0.001 = 0.001 → 0.00
    ]);
    expect(lines.map((l) => [l.metric, l.billable, l.amount])).toEqual([
      ["api_calls", "1.000000", "0.000"],
      ["storage_gb_months", "0.123456", "0.010"],
      ["storefront_visits", "1235.000000", "2.470"],
    ]);
    expect(total).toBe("2.480");
  });

  it("keeps all three digits for a KWD plan and rounds half up at the third", () => {
    const kwd: PricingPlan = { id: "kwd", currency: "KWD", includedUsage: { api_calls: 10 }, overagePrices: { api_calls: "0.0005" } };
    // 1001 × 0.0005 = 0.5005 → 0.501 (half up at the third digit)
    expect(priceUsage(kwd, [{ metric: "api_calls", quantity: "1011" }]).total).toBe("0.501");
    // Sums that floats get wrong stay exact: 3 × 0.1 = 0.3.
    const tenth: PricingPlan = { ...kwd, overagePrices: { api_calls: "0.1" }, includedUsage: {} };
    expect(priceUsage(tenth, [{ metric: "api_calls", quantity: "3" }]).total).toBe("0.300");
  });

  it("bills a metric without an overage price at 0 (free trial, unmetered metric)", () => {
    const trial: PricingPlan = { id: "trial", currency: "EUR", includedUsage: { api_calls: 10000 }, overagePrices: {} };
    const { lines } = priceUsage(trial, [{ metric: "api_calls", quantity: "12000" }, { metric: "ai_tokens", quantity: "5" }]);
    expect(lines.map((l) => [l.metric, l.included, l.billable, l.amount])).toEqual([
      ["ai_tokens", "0.000000", "5.000000", "0.000"],
      ["api_calls", "10000.000000", "2000.000000", "0.000"],
    ]);
  });

  it("prices large quantities without losing digits", () => {
    const big = priceUsage(starter, [{ metric: "storefront_visits", quantity: "123456789012.000001" }]);
    // (123456789012.000001 − 50000) × 0.002 = 246913478.024000002 → 246913478.02
    expect(big.total).toBe("246913478.020");
  });
});
