import { text } from "./text";

/** ISO 4217 codes this runtime knows (Intl data), e.g. EUR, KWD, JPY. */
const knownCurrencies = new Set(Intl.supportedValuesOf("currency"));

export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && knownCurrencies.has(code);
}

/** The currency's own minor digits: KWD 3, EUR 2, JPY 0. */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** An ISO 4217 code in any case, normalised to upper case. */
export const currencyInput = text()
  .trim()
  .toUpperCase()
  .refine(isCurrencyCode, "Unknown currency code (use ISO 4217, e.g. EUR)");
