import { desc } from "drizzle-orm";
import { capturedMails, type CapturedMail } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";

/** The newest captured mails (development mailbox), newest first. */
export async function listCapturedMails(limit = 50): Promise<CapturedMail[]> {
  return withSystem("dev-mailbox", (tx) => tx.select().from(capturedMails).orderBy(desc(capturedMails.id)).limit(limit));
}
