import { describe, expect, it } from "vitest";
import { safeRedirectPath } from "./redirect-target";

const app = "https://souk.example";

describe("safeRedirectPath", () => {
  it("keeps same-origin paths with their query and hash", () => {
    expect(safeRedirectPath("/dashboard/shop?tab=2#top", app)).toBe("/dashboard/shop?tab=2#top");
    expect(safeRedirectPath("https://souk.example/onboarding?x=1", app)).toBe("/onboarding?x=1");
    expect(safeRedirectPath("settings", app)).toBe("/settings");
    expect(safeRedirectPath("/%5Cevil.example", app)).toBe("/%5Cevil.example");
  });

  it.each([
    "/\\evil.example",
    "\\\\evil.example",
    "//evil.example",
    "///evil.example",
    "/\\/evil.example",
    "https://evil.example",
    "http://souk.example",
    "https://souk.example.evil.example/",
    "https://souk.example@evil.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\t/evil.example",
    "/\n/evil.example",
    "\r\n//evil.example",
    "/x\u0000",
    "",
  ])("refuses %j", (target) => {
    expect(safeRedirectPath(target, app, "/fallback")).toBe("/fallback");
  });

  it("refuses what is not a string", () => {
    expect(safeRedirectPath(undefined, app)).toBe("/dashboard");
    expect(safeRedirectPath(["/a"], app)).toBe("/dashboard");
  });

  it("never answers a path a browser would read as another host", () => {
    // "/.//evil" resolves to the path "//evil" on the app's own origin.
    expect(safeRedirectPath("/.//evil.example", app)).toBe("/evil.example");
    expect(safeRedirectPath("/..//evil.example", app)).toBe("/evil.example");
  });
});
