// Standalone config: `npx vitest run --config scripts/stripe-emulator/vitest.config.ts`
// (the root vitest config also picks these tests up, but needs the database setup).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['scripts/stripe-emulator/**/*.test.ts'],
    testTimeout: 20_000,
  },
});
