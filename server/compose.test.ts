import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { validateEnv } from "./env";

/**
 * No Docker engine runs where the tests do, so docker-compose.yml and the Dockerfile are checked
 * as text: each Souk process's environment passes server/env.ts's production validation, and every
 * URL names a service and a port it listens on (or a port published on localhost for browsers).
 */
const root = path.join(import.meta.dirname, "..");
const composeText = readFileSync(path.join(root, "docker-compose.yml"), "utf8");
const dockerfile = readFileSync(path.join(root, "Dockerfile"), "utf8");

/** What the operator exports before `docker compose up`, as the file's header says. */
const operatorEnv: Record<string, string> = {
  AUTH_SECRET: "Jq3vS0f2nXo8u9Kc4YpT1rWm6LhB7dZe5aGiN0sQ2xU=",
  STRIPE_WEBHOOK_SECRET: "whsec_6f1d0c9e2b7a4f3e8d5c1b0a9f8e7d6c5b4a3f2e1d0c9b8a",
  S3_SECRET_ACCESS_KEY: "4be0c1f7a2d94e8b9c3f6a1d7e2b5c8f0a9d3e6b1c4f7a2d",
};

/** Compose's variable interpolation: ${VAR}, ${VAR:-default}, ${VAR:?error} and $$ for a literal $. */
function interpolate(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(/\$\$|\$\{(\w+)(?::([-?])([^}]*))?\}/g, (match, name: string | undefined, op: string | undefined, arg: string | undefined) => {
    if (match === "$$") return "$";
    const value = vars[name!];
    if (value) return value;
    if (op === "?") throw new Error(`compose refuses to start: ${name}: ${arg}`);
    return op === "-" ? arg! : "";
  });
}

type Service = {
  image?: string;
  build?: { context: string; target?: string };
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string }>;
  command?: string[] | string;
  configs?: { source: string; target: string }[];
};
type Compose = { services: Record<string, Service>; configs?: Record<string, { content: string }> };

const load = (vars: Record<string, string | undefined>) => parse(interpolate(composeText, vars), { merge: true }) as Compose;
const compose = load(operatorEnv);
const envOf = (name: string) => Object.fromEntries(Object.entries(compose.services[name]?.environment ?? {}).map(([k, v]) => [k, String(v)]));

/** The services that run Souk's own code, each validating its environment at start. */
const soukProcesses = ["migrate", "app", "worker"];

/** Each Dockerfile stage's base image, ENV lines and USER. */
function stages() {
  const result = new Map<string, { from: string; env: string; user: string | null }>();
  for (const block of dockerfile.split(/^(?=FROM )/m).filter((b) => b.startsWith("FROM "))) {
    const [, from, name] = /^FROM (\S+) AS (\S+)/.exec(block)!;
    result.set(name!, { from: from!, env: [...block.matchAll(/^ENV (.+)$/gm)].map((m) => m[1]).join(" "), user: /^USER (\S+)/m.exec(block)?.[1] ?? null });
  }
  return result;
}

describe("docker-compose.yml", () => {
  it("refuses to start without the operator's secrets", () => {
    for (const name of Object.keys(operatorEnv)) {
      expect(() => load({ ...operatorEnv, [name]: undefined })).toThrow(name);
    }
  });

  it("gives every Souk process an environment that passes the production validation", () => {
    for (const name of soukProcesses) {
      const target = compose.services[name]?.build?.target;
      expect(target, name).toBeDefined();
      // The image sets NODE_ENV=production; compose must not relax it.
      expect(stages().get(target!)?.env, name).toContain("NODE_ENV=production");
      const env = envOf(name);
      expect(env.NODE_ENV ?? "production", name).toBe("production");
      expect(env.ALLOW_DEVELOPMENT_DEFAULTS, name).toBeUndefined();
      const result = validateEnv({ ...env, NODE_ENV: "production" });
      expect(result.ok ? [] : result.problems, name).toEqual([]);
    }
  });

  it("gives the worker the same S3, Stripe, mail and URL settings as the app", () => {
    const app = envOf("app");
    const worker = envOf("worker");
    for (const key of Object.keys(app).filter((k) => /^(S3_|STRIPE_|SMTP_|MAIL_|APP_URL|AUTH_SECRET|DATABASE_URL)/.test(k))) {
      expect(worker[key], key).toBe(app[key]);
    }
    expect(app.SMTP_URL).toBeDefined();
    expect(app.S3_ENDPOINT).toBeDefined();
    expect(app.STRIPE_API_BASE).toBeDefined();
  });

  it("points every URL at a defined service and a port it listens on, or at a port published to the host", () => {
    const published = new Set(Object.values(compose.services).flatMap((s) => (s.ports ?? []).map((p) => p.split(":").at(-2))));
    const checked: string[] = [];
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (!/^[a-z]+:\/\//.test(String(value))) continue;
        const url = new URL(String(value));
        const port = url.port || ({ "http:": "80", "https:": "443" } as Record<string, string>)[url.protocol] || "";
        if (url.hostname === "localhost") {
          expect(published.has(port), `${name}.${key}: nothing publishes localhost:${port}`).toBe(true);
        } else {
          const target = compose.services[url.hostname];
          expect(target, `${name}.${key}: no service ${url.hostname}`).toBeDefined();
          expect(target!.expose ?? [], `${name}.${key}: ${url.hostname} does not listen on ${port}`).toContain(port);
        }
        checked.push(`${name}.${key}`);
      }
    }
    expect(checked).toEqual(expect.arrayContaining(["app.DATABASE_URL", "app.S3_ENDPOINT", "app.STRIPE_API_BASE", "app.SMTP_URL", "worker.S3_ENDPOINT", "stripe-emulator.STRIPE_WEBHOOK_URL"]));
    for (const service of Object.values(compose.services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(compose.services[dependency]).toBeDefined();
    }
  });

  it("runs the Stripe emulator, listening beyond its container and signing with the app's secret", () => {
    const emulator = envOf("stripe-emulator");
    expect(compose.services["stripe-emulator"]?.command).toEqual(expect.arrayContaining(["scripts/stripe-emulator/main.ts"]));
    expect(emulator.STRIPE_EMULATOR_HOST).toBe("0.0.0.0");
    expect(emulator.STRIPE_WEBHOOK_SECRET).toBe(envOf("app").STRIPE_WEBHOOK_SECRET);
    expect(new URL(envOf("app").STRIPE_API_BASE!).port).toBe(emulator.STRIPE_EMULATOR_PORT);
    expect(emulator.STRIPE_WEBHOOK_URL).toBe(`http://app:${envOf("app").PORT}/api/webhooks/stripe`);
  });

  it("creates the app's bucket before the app and the worker start", () => {
    const init = compose.services["minio-init"]!;
    expect(envOf("minio-init").S3_BUCKET).toBe(envOf("app").S3_BUCKET);
    expect(envOf("minio-init").S3_SECRET_ACCESS_KEY).toBe(envOf("app").S3_SECRET_ACCESS_KEY);
    expect(String(init.command)).toContain("mc mb --ignore-existing");
    for (const name of ["app", "worker"]) {
      expect(compose.services[name]?.depends_on?.["minio-init"]?.condition, name).toBe("service_completed_successfully");
      expect(compose.services[name]?.depends_on?.migrate?.condition, name).toBe("service_completed_successfully");
    }
  });

  it("reaches the app only through a proxy that overwrites X-Forwarded-For (TRUSTED_PROXY_HOPS=1)", () => {
    expect(compose.services.app?.ports).toBeUndefined();
    expect(envOf("app").TRUSTED_PROXY_HOPS).toBe("1");
    const proxy = compose.services.proxy!;
    expect(proxy.ports).toContain(`${new URL(envOf("app").APP_URL!).port}:80`);
    const config = compose.configs?.[proxy.configs![0]!.source]?.content ?? "";
    expect(config).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
    expect(config).not.toMatch(/proxy_add_x_forwarded_for/);
    // nginx → the Varnish micro-cache → the app; Varnish drops the hop it appends, so the app still
    // reads the address nginx wrote.
    expect(config).toContain("proxy_pass http://edge-cache:80;");
    const edge = compose.services["edge-cache"]!;
    expect(edge.expose).toContain("80");
    const vclMount = ((edge as { volumes?: string[] }).volumes ?? []).find((v) => v.endsWith(":/etc/varnish/default.vcl:ro"));
    expect(vclMount).toBeDefined();
    const vcl = readFileSync(path.join(root, vclMount!.split(":")[0]!), "utf8");
    expect(vcl).toContain(`.host = "app";`);
    expect(vcl).toContain(`.port = "${envOf("app").PORT}";`);
    expect(vcl).toMatch(/set req\.http\.X-Forwarded-For = regsub\(req\.http\.X-Forwarded-For, ",\[\^,\]\*\$", ""\);/);
  });
});

describe("Dockerfile", () => {
  it("builds on a current Node.js LTS, with Next's standalone output, and runs as a non-root user", () => {
    const all = stages();
    // Every stage starts from a current LTS image or from an earlier stage.
    for (const [name, stage] of all) if (!all.has(stage.from)) expect(stage.from, name).toMatch(/^node:(22|24)(\.|-|$)/);
    expect(all.get("build")?.env).toContain("NEXT_OUTPUT=standalone");
    for (const name of ["web", "tools"]) {
      expect(all.get(name)?.user, name).toBeTruthy();
      expect(all.get(name)?.user, name).not.toMatch(/^(root|0)$/);
    }
    // The last stage is what `docker build .` makes: the web server.
    expect([...all.keys()].at(-1)).toBe("web");
    expect(dockerfile).toMatch(/CMD \["node", "server\.js"\]/);
  });
});
