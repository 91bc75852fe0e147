import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "@/scripts/lib/ports";
import { startTestS3 } from "@/test/s3";

// The shared cache configured but unreachable (a port where nothing listens), before the app modules load.
process.env.REDIS_URL = `redis://127.0.0.1:${await freePort()}/0`;
const s3 = await startTestS3();
const { GET } = await import("./route");
afterAll(() => s3.stop());

describe("GET /api/health with Redis down", () => {
  it("answers 200 with redis degraded: pages still render from the database", async () => {
    const res = await GET(new Request("http://localhost/api/health"));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok", db: "ok", s3: "ok", redis: "degraded" });
  });
});
