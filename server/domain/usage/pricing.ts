import type { Plan } from "@/server/db/schema";
import { currencyDigits } from "@/server/domain/money";
import { fromScaled, roundScaled, toScaled } from "@/server/domain/decimal";

/** Scales of the stored columns: quantities numeric(20,6), unit prices numeric(18,8). */
const QTY = 6;
const UNIT = 8;

// Intl.NumberFormat is costly to build (about a millisecond): one lookup per currency per process.
const digitsCache = new Map<string, number>();
function digitsOf(currency: string): number {
  let digits = digitsCache.get(currency);
  if (digits === undefined) digitsCache.set(currency, (digits = currencyDigits(currency)));
  return digits;
}

export type PricedLine = {
  metric: string;
  quantity: string;
  included: string;
  billable: string;
  unitPrice: string;
  amount: string;
  currency: string;
};

export type PricingPlan = Pick<Plan, "id" | "currency" | "includedUsage" | "overagePrices">;

/**
 * Prices one tenant's usage of a period by a plan: per metric, the plan's included quantity is
 * free, the rest is billable at the plan's overage unit price; the amount is rounded half up to
 * the currency's own digits (EUR 2, KWD 3). A metric the plan has no overage price for is billed
 * at 0 (the free trial; a metric the plan does not meter). Lines come out in metric order.
 */
export function priceUsage(plan: PricingPlan, usage: { metric: string; quantity: string }[]): { lines: PricedLine[]; total: string } {
  const digits = digitsOf(plan.currency);
  let total = 0n;
  const lines = [...usage]
    .sort((a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0))
    .map(({ metric, quantity }) => {
      const used = toScaled(quantity, QTY);
      const includedValue = (plan.includedUsage as Record<string, number | undefined>)[metric];
      const included = includedValue === undefined ? 0n : toScaled(includedValue, QTY);
      const billable = used > included ? used - included : 0n;
      const unit = toScaled((plan.overagePrices as Record<string, string | undefined>)[metric] ?? "0", UNIT);
      const amount = roundScaled(billable * unit, QTY + UNIT, digits);
      total += amount;
      return {
        metric,
        quantity: fromScaled(used, QTY),
        included: fromScaled(included, QTY),
        billable: fromScaled(billable, QTY),
        unitPrice: fromScaled(unit, UNIT),
        // Stored as numeric(12,3): the currency's digits, padded.
        amount: fromScaled(roundScaled(amount, digits, 3), 3),
        currency: plan.currency,
      };
    });
  return { lines, total: fromScaled(roundScaled(total, digits, 3), 3) };
}
