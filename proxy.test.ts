import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";

async function idFor(sent: string | null) {
  const headers: Record<string, string> = sent === null ? {} : { "x-request-id": sent };
  const res = await proxy(new NextRequest("http://localhost:3000/dashboard", { headers }));
  return { answered: res.headers.get("x-request-id"), forwarded: res.headers.get("x-middleware-request-x-request-id") };
}

describe("proxy request ids", () => {
  it("keeps a well-formed id from a proxy in front", async () => {
    expect(await idFor("lb-3f2a.9_Z")).toEqual({ answered: "lb-3f2a.9_Z", forwarded: "lb-3f2a.9_Z" });
    expect((await idFor("a".repeat(64))).answered).toBe("a".repeat(64));
  });

  it.each([["too long", "a".repeat(65)], ["a megabyte", "x".repeat(1_000_000)], ["spaces", "a b"], ["markup", "<script>"], ["a forged log line", 'x", "level": 60']])(
    "replaces an id with %s by a fresh one, for the app and the answer",
    async (_, sent) => {
      const { answered, forwarded } = await idFor(sent);
      expect(answered).toMatch(/^[0-9a-f-]{36}$/);
      expect(forwarded).toBe(answered);
    },
  );

  it("makes one when none was sent", async () => {
    expect((await idFor(null)).answered).toMatch(/^[0-9a-f-]{36}$/);
  });
});
