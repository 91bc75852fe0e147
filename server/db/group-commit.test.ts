import { describe, expect, it } from "vitest";
import { groupCommit } from "./group-commit";

describe("groupCommit", () => {
  it("writes the first item alone and the items that arrive meanwhile together, each caller getting its own result", async () => {
    const batches: number[][] = [];
    const write = groupCommit(async (items: number[]) => {
      batches.push(items);
      await new Promise((r) => setTimeout(r, 5));
      return items.map((n) => n * 10);
    });
    const results = await Promise.all([1, 2, 3, 4, 5].map((n) => write(n)));
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4, 5]]);
  });

  it("retries a failed batch item by item, so only the bad item fails", async () => {
    const write = groupCommit(async (items: string[]) => {
      await new Promise((r) => setTimeout(r, 1));
      if (items.includes("bad")) throw new Error("bad item");
      return items.map((s) => s.toUpperCase());
    });
    const results = await Promise.allSettled(["a", "b", "bad", "c"].map((s) => write(s)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual(["A", "B", "bad item", "C"]);
  });

  it("caps a batch at maxBatch", async () => {
    const sizes: number[] = [];
    const write = groupCommit(async (items: number[]) => {
      sizes.push(items.length);
      await new Promise((r) => setTimeout(r, 1));
      return items;
    }, 3);
    await Promise.all(Array.from({ length: 8 }, (_, i) => write(i)));
    expect(sizes).toEqual([1, 3, 3, 1]);
  });
});
