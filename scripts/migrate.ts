/** npm run db:migrate — applies committed migrations to DATABASE_URL. */
import { existsSync } from "node:fs";
import { runMigrations } from "../server/db/migrate";

if (existsSync(".env")) process.loadEnvFile(".env");
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set. (npm run dev migrates its embedded database by itself.)");
  process.exit(1);
}
await runMigrations(url);
console.log("migrations applied");
