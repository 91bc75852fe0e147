import { withErrorAnswer } from "@/server/api/route-errors";
import { getHealth } from "@/server/health";

export const dynamic = "force-dynamic";

export const GET = withErrorAnswer("health", async () => {
  const health = await getHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "cache-control": "no-store" } });
});
