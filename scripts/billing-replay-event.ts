/**
 * npm run billing:replay -- <stripe event id> — processes a stored Stripe event
 * again (for example one that failed all its attempts). Safe: processing
 * re-reads the subscription from Stripe.
 */
import { existsSync } from "node:fs";

if (existsSync(".env")) process.loadEnvFile(".env");
const eventId = process.argv[2];
if (!eventId) {
  console.error("usage: npm run billing:replay -- <stripe event id>");
  process.exit(2);
}
const { closeDb } = await import("../server/db/client");
const { replayStripeEvent } = await import("../server/domain/stripe-events");
const queued = await replayStripeEvent(eventId);
console.log(queued ? `queued ${eventId} for processing (the worker picks it up)` : `no stored event ${eventId}`);
await closeDb();
process.exit(queued ? 0 : 1);
