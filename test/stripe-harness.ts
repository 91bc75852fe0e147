import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startStripeEmulator, type StripeEmulator } from "@/scripts/stripe-emulator/server";
import { receiveStripeWebhook } from "@/server/domain/stripe-events";
import { runDueJobs } from "@/server/jobs/run-once";
import { env } from "@/server/env";
import { signTestPayload, setStripeApiBase } from "@/server/integrations/stripe";

/**
 * A Stripe emulator for integration tests, wired to the app's webhook intake
 * through a tiny HTTP receiver (the real route is a one-liner over the same
 * function). The SDK is pointed at the emulator.
 */
export type StripeHarness = {
  emu: StripeEmulator;
  /** Signs `body` with the SDK's test helper and hands it to the intake. */
  deliver(body: string): Promise<number>;
  /** Full JSON of an emulator event, as Stripe would send it. */
  eventBody(id: string): Promise<string>;
  /** POST to the hosted checkout page's Pay or Decline button; returns the HTTP status. */
  clickCheckout(url: string, action: "pay" | "decline"): Promise<number>;
  /** Waits for the emulator's webhooks to be delivered, then runs the jobs they queued. */
  settle(): Promise<void>;
  close(): Promise<void>;
};

const read = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => resolve(body));
  });

export async function startStripeHarness(): Promise<StripeHarness> {
  const receiver: Server = createServer((req, res) => {
    void read(req).then(async (body) => {
      const result = await receiveStripeWebhook(body, String(req.headers["stripe-signature"] ?? "") || null);
      res.writeHead(result.status, { "content-type": "application/json" }).end(JSON.stringify(result.body));
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/api/webhooks/stripe`;
  const emu = await startStripeEmulator({ webhookUrl, webhookSecret: env.STRIPE_WEBHOOK_SECRET, webhookRetry: { attempts: 3, baseDelayMs: 20 } });
  setStripeApiBase(emu.url);
  return {
    emu,
    async deliver(body) {
      const result = await receiveStripeWebhook(body, signTestPayload(body));
      return result.status;
    },
    async eventBody(id) {
      const res = await fetch(`${emu.url}/v1/events/${id}`, { headers: { authorization: "Bearer sk_test" } });
      return res.text();
    },
    async clickCheckout(url, action) {
      const res = await fetch(`${url}/${action}`, { method: "POST", redirect: "manual" });
      return res.status;
    },
    async settle() {
      await emu.waitForWebhooks(10_000);
      await runDueJobs();
    },
    async close() {
      await emu.close();
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    },
  };
}
