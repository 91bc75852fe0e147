import autocannon from "autocannon";
import { percentile } from "./stats";

export type LoadResult = { requests: number; rps: number; p50: number; p99: number; non2xx: number; errors: number };

/**
 * Load from one autocannon per target, all at once: warmupSeconds of full load first, discarded
 * (JIT warm-up of a cold path, and the connections' setup), then `seconds` measured on the same
 * connections, their latencies merged. A tool that opens fresh connections for the measured run
 * counts their setup into it: wrk's and h2load's first second on this machine holds latencies of
 * up to 1 s, which ab and autocannon over the same server do not see. onMeasuring runs as the
 * measured part starts (to read a server's CPU time, say).
 */
export async function loadAfterWarmup(targets: autocannon.Options[], o: { warmupSeconds: number; seconds: number; onMeasuring?: () => void }): Promise<LoadResult> {
  const latencies: number[] = [];
  let measuring = false;
  let non2xx = 0;
  let errors = 0;
  let started = 0;
  let lastResponse = 0;
  const runs = targets.map(
    (target) =>
      new Promise<void>((resolve, reject) => {
        // The callback form returns the running instance, whose events give each response's latency.
        const instance = autocannon({ ...target, duration: o.warmupSeconds + o.seconds }, (error) => (error ? reject(error) : resolve()));
        instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
          if (!measuring) return;
          latencies.push(responseTime);
          lastResponse = performance.now();
          if (statusCode < 200 || statusCode >= 300) non2xx++;
        });
        instance.on("reqError", () => measuring && errors++);
      }),
  );
  const warm = setTimeout(() => {
    measuring = true;
    started = lastResponse = performance.now();
    o.onMeasuring?.();
  }, o.warmupSeconds * 1000);
  await Promise.all(runs);
  clearTimeout(warm);
  latencies.sort((a, b) => a - b);
  const rps = latencies.length / ((lastResponse - started) / 1000);
  return { requests: latencies.length, rps, p50: percentile(latencies, 50), p99: percentile(latencies, 99), non2xx, errors };
}
