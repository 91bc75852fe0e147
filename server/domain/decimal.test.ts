import { describe, expect, it } from "vitest";
import { fromScaled, roundScaled, toScaled } from "./decimal";

describe("exact decimals", () => {
  it("scales decimal strings and plan numbers without floats", () => {
    expect(toScaled("1234.5", 6)).toBe(1234500000n);
    expect(toScaled("0.0005", 8)).toBe(50000n);
    expect(toScaled(0.5, 6)).toBe(500000n);
    expect(toScaled(5000, 0)).toBe(5000n);
    expect(toScaled(1e-7, 7)).toBe(1n); // exponent notation in JS, written out plainly
    expect(toScaled(2e21, 0)).toBe(2000000000000000000000n);
    expect(toScaled("-0.1", 3)).toBe(-100n);
    expect(toScaled("2.500000", 1)).toBe(25n); // trailing zeros do not count as digits
  });

  it("refuses what it cannot represent exactly", () => {
    expect(() => toScaled("0.0001", 3)).toThrow(/more than 3/);
    expect(() => toScaled("1e3", 3)).toThrow(/Not a decimal/);
    expect(() => toScaled("abc", 3)).toThrow(/Not a decimal/);
  });

  it("formats with exactly the scale's digits", () => {
    expect(fromScaled(2470n, 3)).toBe("2.470");
    expect(fromScaled(5n, 3)).toBe("0.005");
    expect(fromScaled(-5n, 2)).toBe("-0.05");
    expect(fromScaled(42n, 0)).toBe("42");
  });

  it("rounds half away from zero, and only where asked", () => {
    expect(roundScaled(2465n, 3, 2)).toBe(247n);
    expect(roundScaled(2464n, 3, 2)).toBe(246n);
    expect(roundScaled(-2465n, 3, 2)).toBe(-247n);
    expect(roundScaled(12n, 1, 3)).toBe(1200n);
    // 0.1 + 0.2 is 0.3 here, unlike floats.
    expect(fromScaled(toScaled("0.1", 1) + toScaled("0.2", 1), 1)).toBe("0.3");
  });
});
