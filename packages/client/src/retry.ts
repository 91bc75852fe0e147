export type RetryOptions = {
  /** Further attempts after a 429 or 503 (default 3; 0 turns retries off). */
  retries?: number;
  /** First backoff when the server sends no Retry-After (default 500 ms), doubled each attempt. */
  baseDelayMs?: number;
  /** Longest single wait, whatever Retry-After asks (default 30 s). */
  maxDelayMs?: number;
};

/** The wait before the next attempt: Retry-After (seconds or an HTTP date) when sent, else exponential backoff with jitter. */
export function retryDelayMs(retryAfter: string | null, attempt: number, opts: Required<RetryOptions>, now = Date.now()): number {
  let delay: number | null = null;
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) delay = seconds * 1000;
    else {
      const date = Date.parse(retryAfter);
      if (!Number.isNaN(date)) delay = Math.max(0, date - now);
    }
  }
  // Full jitter on the backoff spreads clients that were refused together.
  delay ??= opts.baseDelayMs * 2 ** attempt * (0.5 + Math.random() / 2);
  return Math.min(delay, opts.maxDelayMs);
}

/**
 * A fetch that retries 429 (rate limited) and 503 (busy or starting) answers: both say the request
 * was not processed, so resending is safe for mutations too. Anything else is returned as is.
 */
export function retryingFetch(baseFetch: typeof fetch, options: RetryOptions = {}): typeof fetch {
  const opts: Required<RetryOptions> = { retries: options.retries ?? 3, baseDelayMs: options.baseDelayMs ?? 500, maxDelayMs: options.maxDelayMs ?? 30_000 };
  return async (input, init) => {
    for (let attempt = 0; ; attempt++) {
      const response = await baseFetch(input, init);
      if ((response.status !== 429 && response.status !== 503) || attempt >= opts.retries) return response;
      await response.body?.cancel();
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(response.headers.get("retry-after"), attempt, opts)));
    }
  };
}
