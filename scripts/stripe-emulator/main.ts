// CLI: `tsx scripts/stripe-emulator/main.ts` — runs the Stripe emulator until SIGINT/SIGTERM.
import { startStripeEmulator } from './server';

async function main(): Promise<void> {
  const port = Number(process.env.STRIPE_EMULATOR_PORT ?? 12111);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid STRIPE_EMULATOR_PORT: ${process.env.STRIPE_EMULATOR_PORT}`);
  const emulator = await startStripeEmulator({
    port,
    host: process.env.STRIPE_EMULATOR_HOST ?? '127.0.0.1',
    webhookUrl: process.env.STRIPE_WEBHOOK_URL ?? 'http://localhost:3000/api/webhooks/stripe',
    webhookSecret: process.env.STRIPE_WEBHOOK_SECRET ?? 'whsec_souk_local_emulator',
    publicUrl: process.env.STRIPE_EMULATOR_PUBLIC_URL || undefined,
  });
  console.log(`stripe emulator listening on ${emulator.url}`);
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    emulator.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`stripe emulator: error while stopping on ${signal}`, err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error('stripe emulator failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
