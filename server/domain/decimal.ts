/**
 * Exact decimal arithmetic on strings, for pricing usage: values are scaled to integers (BigInt)
 * and back, so "0.0005" × "1234567.123456" is exact and only the final amount is rounded, half up,
 * to the currency's digits. No floats anywhere on the way.
 */

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** A decimal string (or a finite JS number written as one, e.g. a plan's included 0.5) at `scale` digits; throws when it has more. */
export function toScaled(value: string | number, scale: number): bigint {
  const text = typeof value === "number" ? numberToDecimal(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new Error(`Not a decimal: ${JSON.stringify(value)}`);
  const fraction = (m[3] ?? "").replace(/0+$/, "");
  if (fraction.length > scale) throw new Error(`${text} has more than ${scale} decimal digits`);
  const digits = BigInt(m[2]! + fraction.padEnd(scale, "0"));
  return m[1] ? -digits : digits;
}

/** The scaled integer back as a decimal string with exactly `scale` digits ("2.470"). */
export function fromScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? "-" : ""}${whole}${scale > 0 ? `.${fraction}` : ""}`;
}

/** Rounds a value at `fromScale` to `toScale` digits, half away from zero. */
export function roundScaled(value: bigint, fromScale: number, toScale: number): bigint {
  if (toScale >= fromScale) return value * 10n ** BigInt(toScale - fromScale);
  const divisor = 10n ** BigInt(fromScale - toScale);
  const half = divisor / 2n;
  return value >= 0n ? (value + half) / divisor : -((-value + half) / divisor);
}

function numberToDecimal(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`Not a finite number: ${n}`);
  const plain = String(n);
  // Exponent notation only for very small or large values (1e-7): Intl writes those out plainly
  // ("0.0000001"), but costs a thousand times more, so only then.
  return plain.includes("e") ? n.toLocaleString("en-US", { useGrouping: false, maximumFractionDigits: 20 }) : plain;
}
