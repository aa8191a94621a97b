// Bundles the CLI into one ES module (dist/trove.mjs) so `trove` starts in milliseconds instead of
// compiling TypeScript on every run. Pure-JS dependencies are bundled too (loading one file is much
// faster than resolving hundreds); the native DuckDB binding stays in node_modules.
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/trove.mjs",
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
