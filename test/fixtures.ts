// Where tests find the public datasets trove did not write (BIDS examples, ONE caches, NWB files,
// Sinagot workspaces). They live beside the repository, never inside it.
//
//   import { sharedFixture } from "../../test/fixtures.ts";
//   const root = sharedFixture("bids-examples");

import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export const sharedFixturesRoot =
  process.env.TROVE_SHARED_FIXTURES ?? resolve(repoRoot, "../shared/fixtures");

/** Absolute path of a shared fixture; throws (never skips) when it is missing. */
export function sharedFixture(...parts: string[]): string {
  const p = resolve(sharedFixturesRoot, ...parts);
  if (!existsSync(p)) {
    throw new Error(
      `shared fixture ${parts.join("/")} not found under ${sharedFixturesRoot} ` +
        `(set TROVE_SHARED_FIXTURES to the folder holding bids-examples/, one/, nwb/, sinagot/)`,
    );
  }
  return p;
}
