import { describe, expect, it } from "vitest";
import { signInWithRedirect } from "@/test/auth-http";
import { makeUser, TEST_PASSWORD } from "@/test/factories";

/** Signs in through the Auth.js handler with the given callbackUrl and returns where it sends the browser. */
async function signInRedirect(email: string, callbackUrl: string) {
  return (await signInWithRedirect(email, TEST_PASSWORD, callbackUrl)).location;
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
