import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small OpenAI-compatible chat-completions server for tests (vitest and e2e), the way the
 * Stripe emulator serves the billing tests. `POST /v1/chat/completions` with `stream: true`
 * answers server-sent events exactly like OpenAI: `chat.completion.chunk` objects with
 * `choices[0].delta.content`, a last chunk with `finish_reason`, then (when the request asked
 * for `stream_options.include_usage`) a chunk with empty `choices` and the `usage`, then
 * `data: [DONE]`. Its replies are canned test data, not product behaviour.
 *
 * Each request takes the next scripted behaviour (else the default reply) and is recorded, so
 * tests can assert what the model was sent, or that it was sent nothing. Another process (the
 * Playwright specs) scripts it over HTTP: POST /__control/script, GET /__control/requests,
 * POST /__control/reset.
 */
export type CannedUsage = { prompt_tokens: number; completion_tokens: number };

export type Behaviour =
  /** Streams `chunks` (default: the canned text for the task, a word per chunk) and the usage. */
  | { kind: "reply"; chunks?: string[]; usage?: CannedUsage; chunkDelayMs?: number; holdAfterFirstChunk?: boolean; omitUsage?: boolean }
  /** Answers this status with an OpenAI-style error body. */
  | { kind: "status"; status: number; retryAfter?: string }
  /** Accepts the connection and never answers. */
  | { kind: "silent" }
  /** Streams the first chunk, then stops sending anything. */
  | { kind: "stall" }
  /** Streams a chunk, then drops the connection. */
  | { kind: "drop" };

export type RecordedRequest = { path: string; headers: http.IncomingHttpHeaders; body: ChatRequestBody };

type ChatRequestBody = {
  model?: string;
  messages?: { role: string; content: string }[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  max_tokens?: number;
};

export type AiTestServer = {
  /** Base URL as AI_BASE_URL takes it (ends in /v1). */
  url: string;
  requests: RecordedRequest[];
  script(...behaviours: Behaviour[]): void;
  /** Lets every reply held after its first chunk finish. */
  release(): void;
  reset(): void;
  close(): Promise<void>;
};

export const CANNED_DESCRIPTION = ["Hand-thrown ", "stoneware ", "with ", "a ", "**speckled** ", "glaze. ", "<script>alert(1)</script>", "Dishwasher ", "safe."];
export const CANNED_SEO = ["Speckled ", "Stoneware ", "Mug\n", "A ", "hand-thrown ", "mug ", "with ", "a ", "speckled ", "glaze."];

export async function startAiTestServer(options: { port?: number } = {}): Promise<AiTestServer> {
  const requests: RecordedRequest[] = [];
  let queue: Behaviour[] = [];
  let held: (() => void)[] = [];
  const sockets = new Set<import("node:net").Socket>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const url = req.url ?? "/";
      if (url.startsWith("/__control/")) return control(url, raw, res);
      if (req.method !== "POST" || url !== "/v1/chat/completions") {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "Not found", type: "invalid_request_error" } }));
        return;
      }
      let body: ChatRequestBody;
      try {
        body = JSON.parse(raw) as ChatRequestBody;
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "Invalid JSON", type: "invalid_request_error" } }));
        return;
      }
      requests.push({ path: url, headers: req.headers, body });
      void respond(queue.shift() ?? { kind: "reply" }, body, res);
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  function control(url: string, raw: string, res: http.ServerResponse) {
    if (url === "/__control/script") queue.push(...(JSON.parse(raw) as { behaviours: Behaviour[] }).behaviours);
    else if (url === "/__control/reset") reset();
    else if (url === "/__control/release") release();
    else if (url !== "/__control/requests") return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ requests: requests.map((r) => r.body) }));
  }

  async function respond(behaviour: Behaviour, body: ChatRequestBody, res: http.ServerResponse) {
    if (behaviour.kind === "silent") return;
    if (behaviour.kind === "status") {
      const headers: http.OutgoingHttpHeaders = { "content-type": "application/json" };
      if (behaviour.retryAfter) headers["retry-after"] = behaviour.retryAfter;
      res.writeHead(behaviour.status, headers).end(JSON.stringify({ error: { message: `Canned failure ${behaviour.status}`, type: "server_error" } }));
      return;
    }
    const isSeo = body.messages?.some((m) => m.content.includes("SEO")) ?? false;
    const parts = behaviour.kind === "reply" && behaviour.chunks ? behaviour.chunks : isSeo ? CANNED_SEO : CANNED_DESCRIPTION;
    const id = `chatcmpl-test-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    res.write(chunk({ role: "assistant", content: "" }, null));
    for (let i = 0; i < parts.length; i++) {
      if (i === 0 && behaviour.kind === "drop") return void res.write(chunk({ content: parts[i] }, null), () => res.socket?.destroy());
      res.write(chunk({ content: parts[i] }, null));
      if (i === 0 && behaviour.kind === "stall") return;
      if (i === 0 && behaviour.kind === "reply" && behaviour.holdAfterFirstChunk) await new Promise<void>((r) => held.push(r));
      if (behaviour.kind === "reply" && behaviour.chunkDelayMs) await new Promise((r) => setTimeout(r, behaviour.chunkDelayMs));
    }
    res.write(chunk({}, "stop"));
    if (body.stream_options?.include_usage && !(behaviour.kind === "reply" && behaviour.omitUsage)) {
      const promptChars = (body.messages ?? []).reduce((n, m) => n + m.content.length, 0);
      const usage = (behaviour.kind === "reply" && behaviour.usage) || { prompt_tokens: Math.ceil(promptChars / 4), completion_tokens: parts.length };
      res.write(`data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } })}\n\n`);
    }
    res.end("data: [DONE]\n\n");
  }

  function release() {
    const waiting = held;
    held = [];
    for (const r of waiting) r();
  }

  function reset() {
    requests.length = 0;
    queue = [];
    release();
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    script: (...behaviours) => void queue.push(...behaviours),
    release,
    reset,
    close: () =>
      new Promise<void>((resolve) => {
        release();
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Run alone (`tsx test/ai-server.ts [port]`): serves until stopped, for trying the editor by hand. */
if (import.meta.url === `file://${process.argv[1]}`) {
  void startAiTestServer({ port: Number(process.argv[2] ?? 11435) }).then((server) => console.log(`AI test server on ${server.url} (AI_BASE_URL=${server.url} AI_MODEL=test-model)`));
}
