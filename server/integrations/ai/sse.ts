import { DomainError } from "@/server/domain/errors";

/**
 * The `data:` payloads of a server-sent event stream, JSON-parsed ("[DONE]" passed as is).
 * Each read waits at most `idleMs`; past that the request is aborted and `timeout()` thrown.
 */
export async function* readServerSentEvents(
  body: ReadableStream<Uint8Array>,
  idleMs: number,
  controller: AbortController,
  timeout: () => DomainError,
): AsyncGenerator<unknown, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await readWithin(reader, idleMs, controller, timeout);
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      // Events end with a blank line; a stream's last event may lack it.
      const parts = buffer.split(/\r?\n\r?\n/);
      buffer = done ? "" : parts.pop()!;
      for (const part of parts) {
        const data = part
          .split(/\r?\n/)
          .filter((line) => line.startsWith("data:"))
          .map((line) => line.slice(5).replace(/^ /, ""))
          .join("\n");
        if (data === "") continue;
        if (data === "[DONE]") {
          yield data;
          continue;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(data);
        } catch {
          throw new DomainError("bad_gateway", "The AI provider sent an answer that is not valid JSON.");
        }
        yield parsed;
      }
      if (done) return;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

async function readWithin(reader: ReadableStreamDefaultReader<Uint8Array>, idleMs: number, controller: AbortController, timeout: () => DomainError) {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      // Settle the race first: aborting also rejects the pending read.
      reject(timeout());
      controller.abort();
    }, idleMs);
  });
  try {
    return await Promise.race([reader.read(), expired]);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError("bad_gateway", "The connection to the AI provider broke while it was answering. Try again.");
  } finally {
    clearTimeout(timer);
  }
}
