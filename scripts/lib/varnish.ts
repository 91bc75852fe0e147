import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./ports";
import { stopChildren } from "./processes";

export type LocalVarnish = { url: string; pid: number | undefined; stop: () => Promise<void> };

/**
 * varnishd (Debian's package) with the repository's ops/varnish/souk.vcl, its backend pointed at
 * an app on this machine, listening on a free loopback port with a working dir in a temp dir.
 * Run as root, varnishd drops to its own unprivileged users for the cache process.
 */
export async function startVarnish(appPort: number): Promise<LocalVarnish> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "souk-varnish-"));
  // varnishd's unprivileged users read the VCL and the working dir.
  chmodSync(dir, 0o755);
  const vcl = readFileSync(path.join(import.meta.dirname, "../../ops/varnish/souk.vcl"), "utf8").replace(
    /\.host = "app";\s*\.port = "3000";/,
    `.host = "127.0.0.1"; .port = "${appPort}";`,
  );
  writeFileSync(path.join(dir, "souk.vcl"), vcl, { mode: 0o644 });
  const port = await freePort();
  const child = spawn("varnishd", ["-F", "-n", path.join(dir, "work"), "-a", `127.0.0.1:${port}`, "-f", path.join(dir, "souk.vcl"), "-s", "malloc,128m", "-T", "none"], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  // varnishd narrates its start and stop on stderr; kept only to explain a failed start.
  let log = "";
  child.stderr.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopChildren([child]);
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const res = await fetch(`${url}/api/health`).catch(() => null);
    if (res) return { url, pid: child.pid, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`varnishd did not answer on ${url}:\n${log}`);
}
