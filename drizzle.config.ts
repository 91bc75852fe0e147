import { defineConfig } from "drizzle-kit";

// drizzle-kit only needs the URL for `push`/`studio`; `generate` works offline.
export default defineConfig({
  dialect: "postgresql",
  schema: "./server/db/schema/index.ts",
  out: "./drizzle",
  casing: "snake_case",
  entities: { roles: { provider: "", include: [] } },
  dbCredentials: { url: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/souk" },
});
