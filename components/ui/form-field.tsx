import * as React from "react";
import { Input } from "./input";
import { Label } from "./label";

/** A labelled input with its validation message wired up for screen readers. */
export function FormField({
  id,
  label,
  error,
  hint,
  ...inputProps
}: React.ComponentProps<"input"> & { id: string; label: string; error?: string | null; hint?: string }) {
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...inputProps} />
      {hint && !error ? (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="text-xs text-destructive">
          {error}
        </p>
      ) : null}
    </div>
  );
}
