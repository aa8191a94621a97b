// Bundles the CLI into one ES module (dist/trove.mjs) so `trove` starts in milliseconds instead of
// compiling TypeScript on every run. Dependencies stay external (loaded from node_modules).
import { build } from "esbuild";

await build({
  entryPoints: ["src/cli/main.ts"],
  outfile: "dist/trove.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: "linked",
  logLevel: "warning",
});
