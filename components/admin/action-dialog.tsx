"use client";

import { useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { fieldErrorsOf, messageOf } from "@/lib/trpc/errors";

type Props = {
  /** The button that opens the dialog. */
  label: string;
  title: string;
  description: React.ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  /** Ask for a reason (written to the audit trail). */
  withReason?: boolean;
  onConfirm: (reason: string) => Promise<unknown>;
};

/** A console action behind a confirmation dialog (native <dialog>), with an optional reason and the server's answer shown in place. */
export function ActionDialog({ label, title, description, confirmLabel, destructive, withReason = true, onConfirm }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const fieldErrors = fieldErrorsOf(error);
  const close = () => {
    dialog.current?.close();
    setError(null);
    setReason("");
  };
  return (
    <>
      <Button type="button" variant={destructive ? "destructive" : "outline"} size="sm" onClick={() => dialog.current?.showModal()}>
        {label}
      </Button>
      <dialog ref={dialog} aria-label={title} className="m-auto w-full max-w-md rounded-lg border bg-background p-0 text-foreground backdrop:bg-black/40">
        <form
          className="grid gap-4 p-6"
          onSubmit={async (e) => {
            e.preventDefault();
            setPending(true);
            setError(null);
            try {
              await onConfirm(reason);
              close();
            } catch (err) {
              setError(err);
            } finally {
              setPending(false);
            }
          }}
        >
          <h2 className="text-lg font-semibold">{title}</h2>
          <div className="text-sm text-muted-foreground">{description}</div>
          {withReason ? <FormField id={`reason-${label.replace(/\W+/g, "-").toLowerCase()}`} label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} error={fieldErrors.reason} required /> : null}
          {error && !fieldErrors.reason ? <Alert variant="error">{messageOf(error)}</Alert> : null}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="ghost" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" variant={destructive ? "destructive" : "default"} pending={pending}>
              {confirmLabel}
            </Button>
          </div>
        </form>
      </dialog>
    </>
  );
}
