import { spawn, spawnSync } from "node:child_process";
import { freePort } from "@/scripts/lib/ports";

/**
 * A throwaway redis-server (no persistence) on a free port, for tests of the Redis-backed
 * counters; null when no redis-server is installed (Debian: apt-get install redis-server).
 */
export async function startRedisServer(): Promise<{ url: string; stop: () => Promise<void> } | null> {
  if (spawnSync("redis-server", ["--version"]).error) return null;
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("Ready to accept connections")) resolve();
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
