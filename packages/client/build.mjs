/**
 * Builds dist/: the JavaScript with esbuild (ESM for Node 20+, dependencies left as imports) and
 * one bundled index.d.ts with rollup-plugin-dts, which inlines the app's router type so the
 * package typechecks outside this repository.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "dist");
await rm(dist, { recursive: true, force: true });

await build({
  entryPoints: [path.join(here, "src/index.ts"), path.join(here, "src/cli.ts")],
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});

const bundle = await rollup({
  input: path.join(here, "src/index.ts"),
  plugins: [dts({ tsconfig: path.join(here, "../../tsconfig.json"), compilerOptions: { incremental: false, noEmit: false } })],
  onwarn(warning, warn) {
    if (warning.code !== "CIRCULAR_DEPENDENCY") warn(warning);
  },
});
await bundle.write({ file: path.join(dist, "index.d.ts"), format: "es" });
await bundle.close();
