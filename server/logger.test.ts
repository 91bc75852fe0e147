import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const log = createLogger(stream);
  log.level = "info";
  return { log, output: () => lines.join("") };
}

describe("log redaction", () => {
  it("hides passwords, tokens, keys, secrets, cookies and authorization headers at any usual depth", () => {
    const { log, output } = capture();
    const secrets = {
      password: "pw-1-secret",
      token: "reset-2-secret",
      accessToken: "oauth-3-secret",
      refresh_token: "oauth-4-secret",
      apiKey: "sk_live_5-secret",
      secretAccessKey: "s3-6-secret",
      clientSecret: "gh-7-secret",
      cookie: "authjs.session-token=8-secret",
      authorization: "Bearer 9-secret",
    };
    log.info({ ...secrets, user: { passwordHash: "$argon2id$10-secret" } }, "top level");
    log.info({ req: { headers: { authorization: "Bearer 11-secret", cookie: "a=12-secret", "set-cookie": "b=13-secret", "x-api-key": "14-secret" } } }, "headers");
    log.error({ err: { cause: { params: { password: "15-secret" } } }, job: { payload: { token: "16-secret" } } }, "nested");
    const text = output();
    expect(text).not.toMatch(/\d+-secret/);
    expect(text.match(/\[redacted\]/g)?.length).toBe(Object.keys(secrets).length + 1 + 4 + 2);
    // What is not a secret stays readable.
    log.info({ requestId: "req-1", to: "a@example.test", tenantId: "t1" }, "plain");
    expect(output()).toContain('"requestId":"req-1"');
    expect(output()).toContain('"to":"a@example.test"');
  });
});
