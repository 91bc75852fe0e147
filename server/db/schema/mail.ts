import { bigint, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt } from "./columns";

/** Mail captured when no SMTP server is configured: the development mailbox. */
export const capturedMails = pgTable("captured_mails", {
  id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  to: text().notNull(),
  subject: text().notNull(),
  text: text().notNull(),
  html: text(),
  createdAt: createdAt(),
});

export type CapturedMail = typeof capturedMails.$inferSelect;
