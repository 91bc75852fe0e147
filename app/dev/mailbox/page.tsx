import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Logo } from "@/components/logo";
import { listCapturedMails } from "@/server/domain/mailbox";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Development mailbox", robots: { index: false } };
export const dynamic = "force-dynamic";

/** Mail captured while no SMTP server is configured. Disabled in production unless DEV_MAILBOX=true. */
export default async function MailboxPage() {
  if (!env.DEV_MAILBOX) notFound();
  const mails = await listCapturedMails();
  return (
    <div className="mx-auto max-w-3xl px-6 py-8">
      <Logo />
      <h1 className="mt-6 text-2xl font-semibold">Development mailbox</h1>
      <p className="mt-1 text-sm text-muted-foreground">
        No SMTP server is configured, so mail is captured here instead of being sent. Newest first.
      </p>
      {mails.length === 0 ? (
        <p className="mt-8 rounded-xl border border-dashed p-8 text-center text-muted-foreground">No mail yet. Sign up to receive a verification email.</p>
      ) : (
        <ol className="mt-6 grid gap-4">
          {mails.map((m) => (
            <li key={m.id} className="rounded-xl border bg-card p-4">
              <article aria-label={m.subject}>
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <h2 className="font-medium">{m.subject}</h2>
                  <time className="text-xs text-muted-foreground" dateTime={m.createdAt.toISOString()}>
                    {m.createdAt.toLocaleString("en-GB", { timeZone: "UTC" })} UTC
                  </time>
                </div>
                <p className="text-sm text-muted-foreground">To: {m.to}</p>
                <pre className="mt-3 whitespace-pre-wrap break-words font-sans text-sm">{linkify(m.text)}</pre>
              </article>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part, i) =>
    /^https?:\/\//.test(part) ? (
      <a key={i} href={part} className="text-primary underline underline-offset-4">
        {part}
      </a>
    ) : (
      part
    ),
  );
}
