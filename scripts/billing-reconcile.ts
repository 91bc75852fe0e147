/**
 * npm run billing:reconcile — re-reads every tenant's subscription from Stripe
 * and repairs drift left by missed or failed webhooks (the same work as the
 * hourly `billing:reconcile` job). Prints what it changed; exit 1 on errors.
 */
import { existsSync } from "node:fs";

if (existsSync(".env")) process.loadEnvFile(".env");
const { closeDb } = await import("../server/db/client");
const { reconcileSubscriptions } = await import("../server/domain/subscriptions");

const report = await reconcileSubscriptions();
for (const r of report.repaired) {
  console.log(`repaired tenant ${r.tenantId}: ${r.changes.map((c) => `${c.field} ${JSON.stringify(c.from)} → ${JSON.stringify(c.to)}`).join(", ")}`);
}
for (const e of report.errors) console.error(`failed tenant ${e.tenantId}: ${e.error}`);
console.log(`checked ${report.checked} subscription(s), repaired ${report.repaired.length}, errors ${report.errors.length}`);
await closeDb();
process.exit(report.errors.length ? 1 : 0);
