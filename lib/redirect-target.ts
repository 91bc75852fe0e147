/**
 * The one check for every redirect target that comes from a request (callbackUrl, redirectTo):
 * the target is resolved against the app's own URL the way a browser would resolve it, and
 * kept only when it stays on that origin. The answer is a path (with query and hash), so the
 * browser stays on whichever host it is using; anything else (`//evil`, `/\evil`, `https://evil`,
 * `javascript:`, targets with control characters, which URL parsers drop) gives the fallback.
 */
export function safeRedirectPath(target: unknown, appUrl: string, fallback = "/dashboard"): string {
  if (typeof target !== "string" || target === "" || target.length > 2048) return fallback;
  // Tabs and newlines are removed by URL parsers ("/\t/evil" becomes "//evil"); refuse them outright.
  if (/[\u0000-\u001f\u007f]/.test(target)) return fallback;
  let base: URL;
  let url: URL;
  try {
    base = new URL(appUrl);
    url = new URL(target, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base.origin) return fallback;
  // A path that begins with two slashes would be read as another host: keep one.
  const path = `/${url.pathname.replace(/^[/\\]+/, "")}`;
  return `${path}${url.search}${url.hash}`;
}
