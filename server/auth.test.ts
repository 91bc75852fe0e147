import { describe, expect, it } from "vitest";
import { CookieJar, request } from "@/test/auth-http";
import { makeUser, TEST_PASSWORD } from "@/test/factories";
import { handlers } from "./auth";

/** Signs in through the Auth.js handler with the given callbackUrl and returns where it sends the browser. */
async function signInRedirect(email: string, callbackUrl: string) {
  const jar = new CookieJar();
  const csrf = await handlers.GET(request("/api/auth/csrf", jar));
  jar.take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const answer = await handlers.POST(
    request("/api/auth/callback/credentials", jar, {
      method: "POST",
      body: new URLSearchParams({ email, password: TEST_PASSWORD, csrfToken, callbackUrl }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    }),
  );
  jar.take(answer);
  expect(jar.get("authjs.session-token")).toBeTruthy();
  return new URL(answer.headers.get("location")!);
}

describe("Auth.js redirects", () => {
  it.each(["/\\evil.example", "//evil.example", "https://evil.example/x", "/%5Cevil.example/..", "javascript:alert(1)", "/\t/evil.example"])(
    "stay on the app after sign-in with callbackUrl %j",
    async (callbackUrl) => {
      const user = await makeUser();
      const location = await signInRedirect(user.email, callbackUrl);
      expect(location.origin).toBe("http://localhost:3000");
    },
  );

  it("keep a same-origin target's path and query", async () => {
    const user = await makeUser();
    const location = await signInRedirect(user.email, "/dashboard/some-shop/catalog?page=2");
    expect(location.href).toBe("http://localhost:3000/dashboard/some-shop/catalog?page=2");
  });
});
