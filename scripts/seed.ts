/** npm run db:seed — seeds the demo shop into DATABASE_URL (idempotent). */
import { existsSync } from "node:fs";

if (existsSync(".env")) process.loadEnvFile(".env");
const { seedDemo, DEMO_OWNER, DEMO_SHOP } = await import("../server/db/seed");
const { closeDb } = await import("../server/db/client");
await seedDemo();
await closeDb();
console.log(`seeded "${DEMO_SHOP.name}" — sign in as ${DEMO_OWNER.email} / ${DEMO_OWNER.password}`);
