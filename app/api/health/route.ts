import { withErrorAnswer } from "@/server/api/route-errors";
import { instrumentRoute } from "@/server/observability/http";
import { getHealth } from "@/server/health";

export const dynamic = "force-dynamic";

export const GET = instrumentRoute("/api/health", withErrorAnswer("health", async () => {
  const health = await getHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
}));
