import { describe, expect, it } from "vitest";
import { freePort } from "@/scripts/lib/ports";

// Point this file's process at a port where nothing listens, before the app modules load.
process.env.DATABASE_URL = `postgres://postgres@127.0.0.1:${await freePort()}/nowhere`;
const { GET } = await import("./route");

describe("GET /api/health with the database down", () => {
  it("answers 503 and names the failing dependency", async () => {
    const res = await GET(new Request("http://localhost/api/health"));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "degraded", db: "down" });
  });
});
