import { describe, expect, it } from "vitest";
import { backoffRepeats } from "./worker-logger";

describe("worker log backoff", () => {
  it("logs a repeated failure at once, then once per doubling interval with the count it stands for", () => {
    const key = `test:${Math.random()}`;
    const t0 = 1_000_000;
    const logged: { at: number; count: number }[] = [];
    // A failure every 200 ms for 10 s, as graphile-worker polls while the database is away.
    for (let at = t0; at <= t0 + 10_000; at += 200) {
      const { log, count } = backoffRepeats(key, at);
      if (log) logged.push({ at: at - t0, count });
    }
    expect(logged).toEqual([
      { at: 0, count: 1 },
      { at: 1000, count: 5 },
      { at: 3000, count: 10 },
      { at: 7000, count: 20 },
    ]);
  });

  it("logs at once again after a minute of quiet", () => {
    const key = `test:${Math.random()}`;
    expect(backoffRepeats(key, 0).log).toBe(true);
    expect(backoffRepeats(key, 100).log).toBe(false);
    expect(backoffRepeats(key, 100 + 60_001)).toEqual({ log: true, count: 1 });
  });
});
