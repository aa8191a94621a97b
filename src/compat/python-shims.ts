// Where the Python packages trove ships for scripts written for other tools live: `python/<name>`
// beside src/ in the repository, beside dist/ once bundled.
//
//   pythonShimDir("thot_shim")      // ".../python/thot_shim", put on PYTHONPATH for Thot scripts

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export type ShimName = "sinagot_shim" | "thot_shim";

const found = new Map<ShimName, string>();

export function pythonShimDir(name: ShimName): string {
  const known = found.get(name);
  if (known) return known;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "python", name);
    if (existsSync(candidate)) {
      found.set(name, candidate);
      return candidate;
    }
    if (dirname(dir) === dir) throw new Error(`python/${name} not found above ${fileURLToPath(import.meta.url)}`);
  }
}
