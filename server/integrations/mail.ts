import nodemailer, { type Transporter } from "nodemailer";
import { capturedMails } from "@/server/db/schema";
import { withSystem } from "@/server/db/tenancy";
import { env } from "@/server/env";
import { logger } from "@/server/logger";

export type MailMessage = { to: string; subject: string; text: string; html?: string };

let transporter: Transporter | undefined;

/**
 * Sends mail through SMTP when SMTP_URL is set; otherwise captures it in the
 * development mailbox (table captured_mails, page /dev/mailbox) so sign-up and
 * password flows work offline and in tests.
 */
export async function sendMail(message: MailMessage): Promise<void> {
  if (env.SMTP_URL) {
    transporter ??= nodemailer.createTransport(env.SMTP_URL);
    await transporter.sendMail({ from: env.MAIL_FROM, ...message });
    logger.info({ to: message.to, subject: message.subject }, "mail sent");
    return;
  }
  await withSystem("capture-mail", (tx) =>
    tx.insert(capturedMails).values({ to: message.to, subject: message.subject, text: message.text, html: message.html ?? null }),
  );
  logger.info({ to: message.to, subject: message.subject }, "mail captured in the development mailbox (no SMTP_URL)");
}
