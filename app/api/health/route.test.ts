import { afterAll, describe, expect, it } from "vitest";
import { startTestS3 } from "@/test/s3";

// Media storage is a dependency too: a local s3rver, started before the app modules load.
const s3 = await startTestS3();
const { GET } = await import("./route");
afterAll(() => s3.stop());

describe("GET /api/health", () => {
  it("answers 200 with each dependency's status", async () => {
    const res = await GET(new Request("http://localhost/api/health"));
    expect(res.status).toBe(200);
    const body = await res.json();
    // No REDIS_URL: the shared cache is off, which is not a problem.
    expect(body).toMatchObject({ status: "ok", db: "ok", s3: "ok", redis: "off", version: expect.any(String) });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it("answers 503 naming S3 when the bucket cannot be reached", async () => {
    await s3.stop();
    const res = await GET(new Request("http://localhost/api/health"));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: "degraded", db: "ok", s3: "down" });
  });
});
