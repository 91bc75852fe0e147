import { createTRPCClient, httpBatchLink, type TRPCClient, type TRPCLink } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { observable } from "@trpc/server/observable";
import superjson from "superjson";
import type { AppRouter } from "../../../server/api/root";
import { SoukError } from "./errors";
import { retryingFetch, type RetryOptions } from "./retry";

export { SoukError, isSoukError, type SoukErrorCode } from "./errors";
export type { RetryOptions } from "./retry";
export type { AppRouter };
/** Inputs and outputs of every procedure: `SoukInputs["catalog"]["createProduct"]`. */
export type SoukInputs = inferRouterInputs<AppRouter>;
export type SoukOutputs = inferRouterOutputs<AppRouter>;

export type SoukClientOptions = {
  /** The Souk server, e.g. https://souk.example.com (no path). */
  url: string;
  /** A shop key or a platform service key (`souk_…`). */
  apiKey: string;
  retry?: RetryOptions;
  /** Calls made in the same tick go in one HTTP request, up to this many (default 20). */
  maxBatchSize?: number;
  /** A fetch of your own (tests, proxies); the global fetch by default. */
  fetch?: typeof fetch;
};

export type UsageEvent = {
  /** Shop slug or id: platform keys name it; a shop key may leave it out. */
  shop?: string;
  metric: string;
  /** An exact decimal; strings keep every digit. */
  quantity: string | number;
  occurredAt: string | Date;
  /** Counted once per shop: a retry of the same event answers `duplicate`. */
  idempotencyKey: string;
};

export type UsageIngestResult = {
  accepted: number;
  duplicate: number;
  rejected: number;
  errors: { index: number; idempotencyKey: string | null; code: string; message: string }[];
};

export type HealthReport = { status: string; [dependency: string]: unknown };

export type SoukRestMethods = {
  /** POST /api/v1/usage: up to 1,000 events a call; invalid events are reported one by one, the rest stored. */
  ingestUsage(events: UsageEvent[]): Promise<UsageIngestResult>;
  /** GET /api/health: each dependency's status (a 503 answers the report too, with status "degraded"). */
  health(): Promise<HealthReport>;
};

/** The typed tRPC procedures (`souk.catalog.listProducts.query(…)`) plus the REST routes. */
export type SoukClient = TRPCClient<AppRouter> & SoukRestMethods;

/** Every error leaves the client as a SoukError (code, message, fieldErrors, requestId). */
const soukErrorLink: TRPCLink<AppRouter> =
  () =>
  ({ next, op }) =>
    observable((observer) =>
      next(op).subscribe({
        next: (value) => observer.next(value),
        error: (error) => observer.error(SoukError.fromTRPC(error)),
        complete: () => observer.complete(),
      }),
    );

export function createSoukClient(options: SoukClientOptions): SoukClient {
  const base = options.url.replace(/\/+$/, "");
  const authorization = `Bearer ${options.apiKey}`;
  const fetchWithRetry = retryingFetch(options.fetch ?? globalThis.fetch, options.retry);

  const trpc = createTRPCClient<AppRouter>({
    links: [
      soukErrorLink,
      httpBatchLink({
        url: `${base}/api/trpc`,
        transformer: superjson,
        maxItems: options.maxBatchSize ?? 20,
        headers: () => ({ authorization }),
        fetch: fetchWithRetry,
      }),
    ],
  });

  const request = async (path: string, init: RequestInit = {}): Promise<Response> => {
    let response: Response;
    try {
      response = await fetchWithRetry(`${base}${path}`, { ...init, headers: { authorization, accept: "application/json", ...init.headers } });
    } catch (cause) {
      throw new SoukError(`Could not reach ${base}: ${cause instanceof Error ? cause.message : String(cause)}`, { code: "NETWORK_ERROR", status: null, requestId: null, cause });
    }
    return response;
  };

  const rest: SoukRestMethods = {
    async ingestUsage(events) {
      const body = JSON.stringify({ events: events.map((e) => ({ ...e, occurredAt: e.occurredAt instanceof Date ? e.occurredAt.toISOString() : e.occurredAt })) });
      const response = await request("/api/v1/usage", { method: "POST", body, headers: { "content-type": "application/json" } });
      if (!response.ok) throw await SoukError.fromResponse(response);
      return (await response.json()) as UsageIngestResult;
    },
    async health() {
      const response = await request("/api/health");
      if (response.status !== 200 && response.status !== 503) throw await SoukError.fromResponse(response);
      return (await response.json()) as HealthReport;
    },
  };

  // The tRPC client is a proxy over router names; the REST methods sit beside it under names no router uses.
  return new Proxy(trpc, {
    get(target, prop, receiver) {
      if (typeof prop === "string" && Object.hasOwn(rest, prop)) return rest[prop as keyof SoukRestMethods];
      return Reflect.get(target, prop, receiver) as unknown;
    },
  }) as SoukClient;
}
