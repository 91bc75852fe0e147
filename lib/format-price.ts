/**
 * Formats an exact decimal amount (a NUMERIC string such as "12.500") in its
 * currency's own digits: KWD 12.500, EUR 12.50, JPY 13. Intl formats the string
 * directly, so no JS float ever holds the amount.
 */
export function formatPrice(amount: string, currency: string, locale = "en"): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(amount as `${number}`);
}
