import { describe, expect, it } from "vitest";
import { GET } from "./route";

describe("GET /api/health", () => {
  it("answers 200 with each dependency's status", async () => {
    const res = await GET();
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", db: "ok", version: expect.any(String) });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });
});
