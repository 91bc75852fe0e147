import { text } from "./text";
import { currencyDigits, significantDecimals } from "@/lib/format-price";

export { currencyDigits };

/** ISO 4217 codes this runtime knows (Intl data), e.g. EUR, KWD, JPY. */
const knownCurrencies = new Set(Intl.supportedValuesOf("currency"));

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

/**
 * Why an amount cannot be a price in `currency` (more decimals than its minor
 * unit: JPY 1200.5, EUR 9.999), or null when it fits. Trailing zeros are fine.
 */
export function priceDigitsProblem(amount: string, currency: string): string | null {
  const digits = currencyDigits(currency);
  if (significantDecimals(amount) <= digits) return null;
  return digits === 0 ? `${currency} prices have no decimals` : `${currency} prices have at most ${digits} decimal${digits === 1 ? "" : "s"}`;
}

/** An ISO 4217 code in any case, normalised to upper case. */
export const currencyInput = text()
  .trim()
  .toUpperCase()
  .refine(isCurrencyCode, "Unknown currency code (use ISO 4217, e.g. EUR)");
