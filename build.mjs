// Bundles the CLI into one ES module (dist/trove.mjs) so `trove` starts in milliseconds instead of
// compiling TypeScript on every run. Pure-JS dependencies are bundled too (loading one file is much
// faster than resolving hundreds); the native DuckDB binding stays in node_modules. What is
// imported dynamically (the cloud SDKs behind s3://, az://, gs://) goes to separate chunks, so
// commands that do not touch object storage never parse them.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outdir: "dist",
  entryNames: "trove",
  chunkNames: "chunks/[name]-[hash]",
  outExtension: { ".js": ".mjs" },
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["@duckdb/node-api"],
  sourcemap: "linked",
  // CommonJS dependencies (commander, picomatch) call require() for Node built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning",
});
