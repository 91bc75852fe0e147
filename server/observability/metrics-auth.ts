import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Whether an Authorization header carries the metrics token (`Bearer <token>`). No token
 * configured means metrics are off: nothing is authorized. Compared in constant time over
 * fixed-length digests, so neither the token's content nor its length leaks through timing.
 */
export function metricsAuthorized(authorization: string | null | undefined, token: string | undefined): boolean {
  if (!token || !authorization?.startsWith("Bearer ")) return false;
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(authorization.slice("Bearer ".length)), digest(token));
}
