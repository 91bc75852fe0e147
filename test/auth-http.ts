import { NextRequest } from "next/server";
import { handlers } from "@/server/auth";

const origin = "http://localhost:3000";

/** A browser's cookie jar, just enough for Auth.js: name=value pairs from Set-Cookie. */
export class CookieJar {
  private cookies = new Map<string, string>();

  take(response: Response) {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  get(name: string) {
    return this.cookies.get(name);
  }
}

export function request(path: string, jar: CookieJar, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) {
  return new NextRequest(`${origin}${path}`, {
    method: init.method ?? "GET",
    body: init.body,
    headers: { cookie: jar.header, ...init.headers },
  });
}

/**
 * Signs in with email and password through the real Auth.js handler, as the sign-in form does;
 * returns the cookies and where Auth.js sends the browser next.
 */
export async function signInWithRedirect(email: string, password: string, callbackUrl = "/dashboard"): Promise<{ jar: CookieJar; location: URL }> {
  const jar = new CookieJar();
  const csrf = await handlers.GET(request("/api/auth/csrf", jar));
  jar.take(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const answer = await handlers.POST(
    request("/api/auth/callback/credentials", jar, {
      method: "POST",
      body: new URLSearchParams({ email, password, csrfToken, callbackUrl }).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    }),
  );
  jar.take(answer);
  if (!jar.get("authjs.session-token")) throw new Error(`sign-in failed: ${answer.status} ${answer.headers.get("location")}`);
  return { jar, location: new URL(answer.headers.get("location")!) };
}

/** Signs in and returns the session cookies. */
export async function signInOverHttp(email: string, password: string): Promise<CookieJar> {
  return (await signInWithRedirect(email, password)).jar;
}
