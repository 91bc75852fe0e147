import http from "node:http";
import type { AddressInfo } from "node:net";
import { metricsAuthorized } from "./metrics-auth";
import { metricsExposition } from "./metrics";

/**
 * The metrics of a process that serves no HTTP of its own (the job worker): GET /metrics with
 * the same bearer token as the web app's /api/metrics, and 404 for anything else, a missing
 * or wrong token included (the endpoint does not admit it exists).
 */
export async function startMetricsServer(options: { host: string; port: number; token: string }): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.method !== "GET" || req.url !== "/metrics" || !metricsAuthorized(req.headers.authorization, options.token)) {
      res.writeHead(404, { "content-type": "text/plain" }).end("Not found\n");
      return;
    }
    metricsExposition().then(
      ({ body, contentType }) => res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(body),
      () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable\n"),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, resolve);
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(":") ? `[${address}]` : address}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
