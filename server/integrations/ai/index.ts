import { DomainError } from "@/server/domain/errors";
import { env } from "@/server/env";
import { logger } from "@/server/logger";
import { readServerSentEvents } from "./sse";

/**
 * The AI gateway: the only code that talks to a model provider. It speaks the OpenAI
 * chat-completions API (`POST {AI_BASE_URL}/chat/completions`, streamed as server-sent events),
 * which OpenAI, Ollama (`http://localhost:11434/v1`) and vLLM all serve.
 *
 * 1. Retries happen only before any byte of an answer was received, and only for what cannot
 *    have produced one: a connection never made (refused, unknown host), 429 and 503 (after a
 *    short backoff).
 *    Anything else, and every failure once the answer has started, is final: a retry then
 *    would bill the prompt twice and show the merchant a second, different text.
 * 2. Time is bounded twice: AI_TIMEOUT_MS for the first byte and between two chunks, and
 *    MAX_CALL_MS for the whole answer.
 * 3. Provider failures leave as DomainErrors with a sentence a merchant can act on; the
 *    provider's own wording (which may name the key or the model) goes to the log only.
 */
export type AiConfig = {
  baseUrl: string;
  apiKey: string | null;
  model: string;
  /** First byte, then between two chunks. */
  timeoutMs: number;
  maxOutputTokens: number;
  /** Connection attempts for retryable failures (connect errors, 429, 503). */
  maxAttempts?: number;
};

export type ChatMessage = { role: "system" | "user"; content: string };

export type AiUsage = { promptTokens: number; completionTokens: number };

/** A streamed answer: text deltas, then (when the provider reports it) the call's token usage. */
export type ChatChunk = { type: "text"; text: string } | { type: "usage"; usage: AiUsage };

export type AiGateway = {
  model: string;
  /** Resolves once the provider has started answering (its first event), so failures before that throw here. */
  streamChat(messages: ChatMessage[], options?: { signal?: AbortSignal }): Promise<AsyncGenerator<ChatChunk, void, undefined>>;
};

/** Longest a whole answer may take, whatever the chunk pace. */
export const MAX_CALL_MS = 5 * 60_000;

const RETRY_BASE_MS = 200;
const RETRY_MAX_WAIT_MS = 2_000;

/** The gateway configured by AI_BASE_URL, AI_MODEL and AI_API_KEY, or null when the feature is off. */
export function aiGatewayFromEnv(): AiGateway | null {
  if (!env.ai) return null;
  return createAiGateway({ ...env.ai, timeoutMs: env.AI_TIMEOUT_MS, maxOutputTokens: env.AI_MAX_OUTPUT_TOKENS });
}

export function createAiGateway(config: AiConfig): AiGateway {
  const url = `${config.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const seconds = Math.round(config.timeoutMs / 100) / 10;
  const timeout = () => new DomainError("gateway_timeout", `The AI provider did not answer within ${seconds} s. Try again in a moment.`);

  return {
    model: config.model,
    async streamChat(messages, options = {}) {
      const controller = new AbortController();
      const deadline = setTimeout(() => controller.abort(), MAX_CALL_MS);
      const onCallerAbort = () => controller.abort();
      options.signal?.addEventListener("abort", onCallerAbort, { once: true });
      const cleanup = () => {
        clearTimeout(deadline);
        options.signal?.removeEventListener("abort", onCallerAbort);
      };
      try {
        const response = await connect(url, config, messages, controller, timeout);
        const events = readServerSentEvents(response.body!, config.timeoutMs, controller, timeout);
        // Wait for the first event: a provider that accepts the request but never answers is a
        // timeout here, where the caller can still answer with a status code.
        const first = await events.next();
        return answer(first, events, cleanup);
      } catch (error) {
        cleanup();
        controller.abort();
        throw error;
      }
    },
  };
}

/** The request, retried (before any answer) for connect errors, 429 and 503. */
async function connect(url: string, config: AiConfig, messages: ChatMessage[], controller: AbortController, timeout: () => DomainError): Promise<Response> {
  const body = JSON.stringify({
    model: config.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    max_tokens: config.maxOutputTokens,
    temperature: 0.7,
  });
  const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
  if (config.apiKey) headers.authorization = `Bearer ${config.apiKey}`;
  const attempts = config.maxAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    const firstByte = setTimeout(() => controller.abort(new TimeoutSignal()), config.timeoutMs);
    let response: Response;
    try {
      response = await fetch(url, { method: "POST", headers, body, signal: controller.signal });
    } catch (error) {
      if (controller.signal.reason instanceof TimeoutSignal) throw timeout();
      if (controller.signal.aborted) throw new DomainError("unavailable", "The AI request was cancelled.");
      logger.warn({ err: error, attempt }, "AI provider connection failed");
      if (attempt < attempts && neverConnected(error)) {
        await sleep(backoff(attempt));
        continue;
      }
      throw neverConnected(error)
        ? new DomainError("unavailable", "The AI provider cannot be reached right now. Try again in a moment.")
        : new DomainError("bad_gateway", "The connection to the AI provider broke before it answered. Try again.");
    } finally {
      clearTimeout(firstByte);
    }
    if (response.ok && response.body) return response;
    const detail = await response.text().catch(() => "");
    logger.warn({ status: response.status, detail: detail.slice(0, 500), attempt }, "AI provider refused a request");
    if ((response.status === 429 || response.status === 503) && attempt < attempts) {
      await sleep(Math.max(backoff(attempt), retryAfterMs(response.headers.get("retry-after"))));
      continue;
    }
    throw providerStatusError(response.status);
  }
}

/** A provider's HTTP status as the merchant reads it. */
function providerStatusError(status: number): DomainError {
  if (status === 429) return new DomainError("unavailable", "The AI provider is busy (rate limited). Try again in a minute.");
  if (status === 401 || status === 403) return new DomainError("bad_gateway", "The AI provider refused the platform's credentials. The operator must check AI_API_KEY.");
  if (status === 404) return new DomainError("bad_gateway", "The AI provider does not know the configured model. The operator must check AI_MODEL and AI_BASE_URL.");
  if (status >= 500) return new DomainError("bad_gateway", `The AI provider failed (HTTP ${status}). Try again later.`);
  return new DomainError("bad_gateway", `The AI provider refused the request (HTTP ${status}).`);
}

/** The rest of the answer, starting with the first event already read. */
async function* answer(first: IteratorResult<unknown>, events: AsyncGenerator<unknown, void, undefined>, cleanup: () => void): AsyncGenerator<ChatChunk, void, undefined> {
  try {
    let finished = false;
    let next = first;
    while (!next.done) {
      const chunk = next.value;
      if (chunk === "[DONE]") {
        finished = true;
        break;
      }
      const parsed = parseChunk(chunk);
      if (parsed.finished) finished = true;
      if (parsed.text) yield { type: "text", text: parsed.text };
      if (parsed.usage) yield { type: "usage", usage: parsed.usage };
      next = await events.next();
    }
    if (!finished) throw new DomainError("bad_gateway", "The AI provider stopped answering midway. Try again.");
  } finally {
    cleanup();
    await events.return(undefined);
  }
}

type ParsedChunk = { text: string; usage: AiUsage | null; finished: boolean };

function parseChunk(data: unknown): ParsedChunk {
  const chunk = data as {
    error?: { message?: string };
    choices?: { delta?: { content?: string | null }; finish_reason?: string | null }[];
    usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
  };
  if (chunk.error) {
    logger.warn({ detail: chunk.error.message }, "AI provider reported an error in its stream");
    throw new DomainError("bad_gateway", "The AI provider failed while answering. Try again later.");
  }
  const choice = chunk.choices?.[0];
  const usage = chunk.usage;
  return {
    text: typeof choice?.delta?.content === "string" ? choice.delta.content : "",
    finished: Boolean(choice?.finish_reason),
    usage:
      usage && Number.isInteger(usage.prompt_tokens) && Number.isInteger(usage.completion_tokens)
        ? { promptTokens: usage.prompt_tokens!, completionTokens: usage.completion_tokens! }
        : null,
  };
}

/**
 * Failures that happened before the request could reach the provider (refused, unknown host,
 * connect timeout): safe to retry. A connection dropped after the request was sent is not:
 * the provider may have run (and billed) the prompt.
 */
const CONNECT_ERRORS = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

function neverConnected(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && CONNECT_ERRORS.has(code)) return true;
  }
  return false;
}

/** Marks an abort as the first-byte timeout (not the caller leaving). */
class TimeoutSignal extends Error {}

const backoff = (attempt: number) => Math.min(RETRY_MAX_WAIT_MS, RETRY_BASE_MS * 2 ** (attempt - 1));

/** Retry-After in seconds (or an HTTP date), capped: a provider asking for minutes gets a clear error instead. */
function retryAfterMs(header: string | null): number {
  if (!header) return 0;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), RETRY_MAX_WAIT_MS) : 0;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
