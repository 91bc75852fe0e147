import { Button } from "@/components/ui/button";

/**
 * The second step of a destructive action, in place of its button: the confirming button and
 * Cancel, grouped under `label` for screen readers (and shown as a question when `ask`).
 */
export function InlineConfirm({ label, ask = false, action, pending, onConfirm, onCancel }: { label: string; ask?: boolean; action: string; pending: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <span className="inline-flex flex-wrap items-center justify-end gap-1" role="group" aria-label={label}>
      {ask ? <span className="text-xs text-muted-foreground">{label}?</span> : null}
      <Button type="button" size="sm" variant="destructive" pending={pending} onClick={onConfirm}>
        {action}
      </Button>
      <Button type="button" size="sm" variant="ghost" onClick={onCancel}>
        Cancel
      </Button>
    </span>
  );
}
