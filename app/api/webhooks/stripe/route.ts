import { withErrorAnswer } from "@/server/api/route-errors";
import { instrumentRoute } from "@/server/observability/http";
import { receiveStripeWebhook } from "@/server/domain/stripe-events";

export const dynamic = "force-dynamic";

/**
 * Stripe webhooks. Thin on purpose: the raw body (exactly as signed) goes to
 * the domain, which verifies it, stores the event and queues its processing;
 * the answer comes before any processing.
 */
export const POST = instrumentRoute("/api/webhooks/stripe", withErrorAnswer("stripe-webhook", async (req: Request) => {
  const raw = await req.text();
  const result = await receiveStripeWebhook(raw, req.headers.get("stripe-signature"));
  // no-transform: the answer is a few bytes, and gzipping it (Next's default) was the
  // largest CPU cost of the whole request in the webhook benchmark.
  return Response.json(result.body, { status: result.status, headers: { "cache-control": "no-store, no-transform" } });
}));
