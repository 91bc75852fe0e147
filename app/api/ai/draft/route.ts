import { handleAiDraft } from "@/server/api/ai-draft";
import { auth } from "@/server/auth";
import { aiGatewayFromEnv } from "@/server/integrations/ai";
import { instrumentRoute } from "@/server/observability/http";

// The signed-in browser only (Auth.js session cookie); API keys have no AI writing help.
const handler = instrumentRoute(
  "/api/ai/draft",
  auth((req) => handleAiDraft(req, req.auth?.user?.id ?? null, { gateway: aiGatewayFromEnv() })),
);

export { handler as POST };
