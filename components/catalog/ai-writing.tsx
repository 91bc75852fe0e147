"use client";

import { Sparkles } from "lucide-react";
import { useRef, useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Label } from "@/components/ui/label";

export type AiDraftKind = "description" | "seo";

type Props = {
  tenantSlug: string;
  productId: string;
  /** Null: AI is configured; else the sentence that says how to turn it on. */
  offMessage: string | null;
  disabled: boolean;
  /** Called with the whole text so far, each time more arrives; the caller puts it into its fields. */
  onText: (kind: AiDraftKind, text: string) => void;
  /** A draft replaced the fields' text: the caller keeps the previous values for "Undo". */
  onStart: (kind: AiDraftKind) => void;
  onUndo: (kind: AiDraftKind) => void;
  onBusyChange: (busy: boolean) => void;
};

type State = { status: "idle" } | { status: "streaming"; kind: AiDraftKind } | { status: "done"; kind: AiDraftKind; tokens: number } | { status: "error"; kind: AiDraftKind; message: string };

/**
 * The editor's AI writing help: streams a draft from POST /api/ai/draft into the form's fields as
 * editable text. Nothing is saved here; the merchant reviews the text and saves the product.
 */
export function AiWritingPanel({ tenantSlug, productId, offMessage, disabled, onText, onStart, onUndo, onBusyChange }: Props) {
  const [notes, setNotes] = useState("");
  const [state, setState] = useState<State>({ status: "idle" });
  const abort = useRef<AbortController | null>(null);
  const busy = state.status === "streaming";

  async function run(kind: AiDraftKind) {
    const controller = new AbortController();
    abort.current = controller;
    setState({ status: "streaming", kind });
    onBusyChange(true);
    let started = false;
    try {
      const response = await fetch("/api/ai/draft", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tenantSlug, productId, kind, notes, requestId: crypto.randomUUID() }),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        const body = (await response.json().catch(() => null)) as { error?: string } | null;
        setState({ status: "error", kind, message: body?.error ?? `The request failed (HTTP ${response.status}).` });
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      let text = "";
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        const lines = buffer.split("\n");
        buffer = lines.pop()!;
        for (const line of lines) {
          if (!line) continue;
          const event = JSON.parse(line) as { text?: string; done?: boolean; tokens?: number; error?: string };
          if (event.text !== undefined) {
            if (!started) onStart(kind);
            started = true;
            text += event.text;
            onText(kind, text);
          } else if (event.done) setState({ status: "done", kind, tokens: event.tokens ?? 0 });
          else if (event.error) {
            // A draft cut short is not a draft: the fields go back to what they were.
            if (started) onUndo(kind);
            setState({ status: "error", kind, message: event.error });
          }
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) setState({ status: "error", kind, message: error instanceof Error ? error.message : "The request failed." });
      else setState({ status: "idle" });
    } finally {
      abort.current = null;
      onBusyChange(false);
      setState((s) => (s.status === "streaming" ? { status: "idle" } : s));
    }
  }

  const off = offMessage !== null;
  return (
    <section className="grid gap-3 rounded-lg border border-border p-4" aria-labelledby="ai-writing-title" data-testid="ai-writing">
      <div className="flex items-center gap-2">
        <Sparkles className="size-4 text-primary" aria-hidden />
        <h3 id="ai-writing-title" className="text-sm font-semibold">
          AI writing help
        </h3>
      </div>
      {off ? (
        <Alert variant="warning" data-testid="ai-off">
          {offMessage}
        </Alert>
      ) : (
        <p className="text-xs text-muted-foreground">
          Drafts from the product&apos;s name, category, price and your notes, streamed into the fields below. Nothing is saved until you save the product. Each draft counts towards your plan&apos;s AI tokens.
        </p>
      )}
      <div className="grid gap-1.5">
        <Label htmlFor="ai-notes">Notes for the draft (not saved)</Label>
        <textarea
          id="ai-notes"
          rows={2}
          maxLength={2000}
          className="rounded-md border border-border bg-background px-3 py-2 text-sm"
          placeholder="Materials, size, what makes it special, the tone you like"
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
          disabled={off || disabled || busy}
        />
      </div>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="button" variant="outline" size="sm" disabled={off || disabled || busy} pending={busy && state.kind === "description"} onClick={() => void run("description")}>
          Draft description
        </Button>
        <Button type="button" variant="outline" size="sm" disabled={off || disabled || busy} pending={busy && state.kind === "seo"} onClick={() => void run("seo")}>
          Suggest SEO title and description
        </Button>
        {busy ? (
          <Button type="button" variant="ghost" size="sm" onClick={() => abort.current?.abort()}>
            Stop
          </Button>
        ) : null}
      </div>
      {state.status === "done" ? (
        <Alert variant="success" data-testid="ai-status">
          Draft ready ({state.tokens.toLocaleString("en")} AI tokens). Edit it as you like, then save the product.{" "}
          <button type="button" className="underline" onClick={() => onUndo(state.kind)}>
            Undo
          </button>
        </Alert>
      ) : null}
      {state.status === "error" ? (
        <Alert variant="error" data-testid="ai-error">
          {state.message}
        </Alert>
      ) : null}
    </section>
  );
}
