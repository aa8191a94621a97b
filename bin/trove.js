#!/usr/bin/env node
// The `trove` command. Runs the bundled CLI (npm run build writes dist/trove.mjs).
import { existsSync } from "node:fs";

const bundle = new URL("../dist/trove.mjs", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write("trove: dist/trove.mjs is missing; run `npm run build` in the trove folder first\n");
  process.exit(1);
}
const { main } = await import(bundle.href);
process.exitCode = await main(process.argv.slice(2));
