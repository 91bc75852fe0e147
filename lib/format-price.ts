/** The currency's own minor digits (ISO 4217, from Intl's data): KWD 3, EUR 2, JPY 0. */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/**
 * Formats an exact decimal amount (a NUMERIC string such as "12.500") in its
 * currency's own digits: KWD 12.500, EUR 12.50, JPY 13. Intl formats the string
 * directly, so no JS float ever holds the amount.
 */
export function formatPrice(amount: string, currency: string, locale = "en"): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount as `${number}`);
}

/**
 * The amount as a plain decimal with exactly the currency's digits, for machines
 * (schema.org offers, feeds): "12.500" in EUR is "12.50", in JPY "13" would be a
 * rounding, which validation prevents for new prices. Exact: Intl rounds the
 * decimal string itself.
 */
export function amountInCurrencyDigits(amount: string, currency: string): string {
  const digits = currencyDigits(currency);
  return new Intl.NumberFormat("en", { useGrouping: false, minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount as `${number}`);
}

/** Decimals an amount really uses ("12.500" uses 1): trailing zeros change nothing. */
export function significantDecimals(amount: string): number {
  return (amount.split(".")[1] ?? "").replace(/0+$/, "").length;
}
