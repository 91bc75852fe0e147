import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { NUL_MESSAGE, text } from "./text";

const root = path.resolve(import.meta.dirname, "../..");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

describe("text inputs", () => {
  it("refuse a NUL byte with a message, and accept everything else", () => {
    expect(text().safeParse("a\u0000b").error?.issues[0]?.message).toBe(NUL_MESSAGE);
    expect(text().safeParse("ordinary text, émojis 🎉, tabs\tand\nnewlines").success).toBe(true);
  });

  // Where request input is parsed: the domain, the API and the app's routes and actions.
  // (Environment variables and job payloads are not user text.)
  it("every request input schema starts from text(), never z.string()", () => {
    const offenders = ["server/domain", "server/api", "server/auth.ts", "app", "proxy.ts"]
      .flatMap((entry) => (entry.endsWith(".ts") ? [path.join(root, entry)] : sourceFiles(path.join(root, entry))))
      .filter((file) => !file.endsWith(path.join("server", "domain", "text.ts")))
      .filter((file) => /\bz\s*\.\s*string\s*\(/.test(readFileSync(file, "utf8")))
      .map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });
});
