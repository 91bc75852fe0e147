import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startAiTestServer, type AiTestServer } from "@/test/ai-server";

// The route reads its provider from the environment, parsed on first import: point it at the
// test server first, then import the app's modules.
const server: AiTestServer = await startAiTestServer();
process.env.AI_BASE_URL = server.url;
process.env.AI_MODEL = "test-model";
process.env.AI_TIMEOUT_MS = "2000";

const { sql } = await import("drizzle-orm");
const { withTenant } = await import("@/server/db/tenancy");
const { recordAiTokens } = await import("@/server/domain/ai-writing");
const { request, signInOverHttp } = await import("@/test/auth-http");
const { addMember, callerFor, makeTenant, makeUser, TEST_PASSWORD } = await import("@/test/factories");
const { POST } = await import("./route");

type Jar = Awaited<ReturnType<typeof signInOverHttp>>;

afterAll(() => server.close());
beforeEach(() => server.reset());

async function shop() {
  const owner = await makeUser();
  const tenant = await makeTenant(owner);
  const product = await callerFor(owner.id).catalog.createProduct({ tenantSlug: tenant.slug, name: "Linen apron", price: "39.00" });
  return { owner, tenant, product, jar: await signInOverHttp(owner.email, TEST_PASSWORD) };
}

function draft(jar: Jar, body: unknown, headers: Record<string, string> = { "content-type": "application/json" }) {
  return POST(request("/api/ai/draft", jar, { method: "POST", body: JSON.stringify(body), headers }), { params: Promise.resolve({}) }) as Promise<Response>;
}

/** The NDJSON lines of a streamed answer. */
async function lines(response: Response): Promise<Record<string, unknown>[]> {
  return (await response.text())
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function aiTokens(tenantId: string): Promise<string> {
  const [row] = await withTenant(tenantId, (tx) => tx.execute<{ n: string }>(sql`select coalesce(sum(quantity), 0)::int::text as n from usage_events where metric = 'ai_tokens'`));
  return row!.n;
}

describe("POST /api/ai/draft", () => {
  it("streams the draft as NDJSON lines for a signed-in member and meters it", async () => {
    const { tenant, product, jar } = await shop();
    server.script({ kind: "reply", chunks: ["Soft ", "linen, ", "<b>washed</b>."], usage: { prompt_tokens: 90, completion_tokens: 3 } });
    const response = await draft(jar, { tenantSlug: tenant.slug, productId: product.id, kind: "description" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("application/x-ndjson");
    const body = await lines(response);
    expect(body.filter((l) => "text" in l).map((l) => l.text).join("")).toBe("Soft linen, washed.");
    expect(body.at(-1)).toEqual({ done: true, tokens: 93 });
    expect(await aiTokens(tenant.id)).toBe("93");
  });

  it("refuses without a session, for a shop the user is not in, for a viewer, and for another shop's product, before any provider call", async () => {
    const mine = await shop();
    const theirs = await shop();
    const { CookieJar } = await import("@/test/auth-http");
    expect((await draft(new CookieJar(), { tenantSlug: mine.tenant.slug, productId: mine.product.id, kind: "description" })).status).toBe(401);
    const foreign = await draft(mine.jar, { tenantSlug: theirs.tenant.slug, productId: theirs.product.id, kind: "description" });
    expect([foreign.status, await foreign.json()]).toEqual([404, { error: "Shop not found" }]);
    const crossProduct = await draft(mine.jar, { tenantSlug: mine.tenant.slug, productId: theirs.product.id, kind: "description" });
    expect([crossProduct.status, await crossProduct.json()]).toEqual([404, { error: "Product not found", code: "not_found" }]);
    const viewer = await makeUser();
    await addMember(mine.tenant.id, viewer.id, "viewer");
    const asViewer = await draft(await signInOverHttp(viewer.email, TEST_PASSWORD), { tenantSlug: mine.tenant.slug, productId: mine.product.id, kind: "description" });
    expect(asViewer.status).toBe(403);
    expect(server.requests).toHaveLength(0);
  });

  it("answers bad input with 400 and field errors, and a non-JSON request with 415", async () => {
    const { tenant, product, jar } = await shop();
    const bad = await draft(jar, { tenantSlug: tenant.slug, productId: "not-a-uuid", kind: "poem" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors).toMatchObject({ productId: expect.any(Array), kind: expect.any(Array) });
    const form = await draft(jar, { tenantSlug: tenant.slug, productId: product.id, kind: "description" }, { "content-type": "text/plain" });
    expect(form.status).toBe(415);
    expect(server.requests).toHaveLength(0);
  });

  it("answers a trial shop at its quota with 412 and the upgrade hint", async () => {
    const { tenant, product, jar } = await shop();
    await recordAiTokens(tenant.id, crypto.randomUUID(), 20_000, new Date());
    const response = await draft(jar, { tenantSlug: tenant.slug, productId: product.id, kind: "seo" });
    expect(response.status).toBe(412);
    expect(((await response.json()) as { error: string }).error).toContain("Upgrade to Starter for 200,000 AI tokens a month.");
    expect(server.requests).toHaveLength(0);
  });

  it("maps a provider 500 to 502 and a provider that stops midway to an error line; neither is metered", async () => {
    const { tenant, product, jar } = await shop();
    server.script({ kind: "status", status: 500 });
    const failed = await draft(jar, { tenantSlug: tenant.slug, productId: product.id, kind: "description" });
    expect([failed.status, await failed.json()]).toEqual([502, { error: "The AI provider failed (HTTP 500). Try again later.", code: "bad_gateway" }]);

    server.script({ kind: "stall" });
    const stalled = await draft(jar, { tenantSlug: tenant.slug, productId: product.id, kind: "description" });
    expect(stalled.status).toBe(200);
    expect((await lines(stalled)).at(-1)).toEqual({ error: "The AI provider did not answer within 2 s. Try again in a moment." });
    expect(await aiTokens(tenant.id)).toBe("0");
  });
});
