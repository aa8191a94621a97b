// The fast path of a Thot run with nothing to do: after a run that left every script up to date,
// the identity (size, mtime, ctime, inode) of every folder and file of the project is recorded; a
// rerun that finds them all unchanged has nothing to run, and says so without loading the project.
//
//   await recordQuickState(root, key, { generation, tasks });   // after a run where nothing failed
//   const quick = await quickCheck(root, key);     // next time: the tasks, all up to date, or undefined
//
// Folders count too: adding or removing an entry changes its folder's mtime, so a new asset or
// container is seen without listing a single folder. A stat per path is all a check costs (60k
// folders and 120k files: well under a second, on two threads); anything different, and the
// full runner decides (and records again when it is done).

import { readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { STAGING_PREFIX } from "../../catalog/walk.ts";
import { writeFileAtomic } from "../../fsutil/atomic.ts";
import { hashText } from "../../run/fingerprint.ts";
import { runsDir } from "../../run/journal.ts";

export interface QuickTask {
  id: string;
  container: string;
  script: string;
  priority: number;
}

interface QuickState {
  version: 1;
  /** Options and environment the state holds for (what scripts are in scope, and how they run). */
  key: string;
  /** "\n"-joined paths relative to the root, in walk order. */
  paths: string;
  digest: string;
  generation: string;
  tasks: QuickTask[];
}

export interface QuickResult {
  generation: string;
  tasks: QuickTask[];
}

const statePath = (root: string) => join(runsDir(root), "thot-quick-state.json");
/** trove's own folder, and version control's, change without changing the project. */
const SKIP = new Set([".trove", ".git"]);
/** Below this many paths a second thread costs more than it saves. */
const PATHS_PER_THREAD = 20_000;

/** The tasks, all up to date, when nothing in the project changed since the state was recorded. */
export async function quickCheck(root: string, key: string): Promise<QuickResult | undefined> {
  let state: QuickState;
  try {
    state = JSON.parse(readFileSync(statePath(root), "utf8")) as QuickState;
  } catch {
    return undefined;
  }
  if (state.version !== 1 || state.key !== key) return undefined;
  return (await digestOf(root, state.paths.split("\n"))) === state.digest ? { generation: state.generation, tasks: state.tasks } : undefined;
}

export async function recordQuickState(root: string, key: string, { generation, tasks }: QuickResult): Promise<void> {
  const paths = walk(root);
  const state: QuickState = { version: 1, key, paths: paths.join("\n"), digest: await digestOf(root, paths), generation, tasks };
  writeFileAtomic(statePath(root), JSON.stringify(state));
}

/** A run is about to change the project: the recorded state no longer holds. */
export function forgetQuickState(root: string): void {
  rmSync(statePath(root), { force: true });
}

function walk(root: string): string[] {
  const out: string[] = [""];
  const visit = (rel: string) => {
    for (const e of readdirSync(rel === "" ? root : join(root, rel), { withFileTypes: true })) {
      if (e.isDirectory() && (e.name.startsWith(STAGING_PREFIX) || (rel === "" && SKIP.has(e.name)))) continue;
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      out.push(path);
      if (e.isDirectory()) visit(path);
    }
  };
  visit("");
  return out;
}

// One stat per path, keys hashed in the thread: plain JavaScript kept as a string, so it runs the
// same from the sources and from the bundled command.
const WORKER_SOURCE = `
const { statSync } = require("node:fs");
const { createHash } = require("node:crypto");
const { parentPort, workerData } = require("node:worker_threads");
const { prefix, paths } = workerData;
const hash = createHash("sha256");
let keys = "";
for (let i = 0; i < paths.length; i++) {
  const st = statSync(prefix + paths[i], { throwIfNoEntry: false });
  keys += st ? st.size + ":" + st.mtimeMs + ":" + st.ctimeMs + ":" + st.ino + "\\n" : "-\\n";
  if (keys.length > 1 << 20) { hash.update(keys); keys = ""; }
}
hash.update(keys);
parentPort.postMessage(hash.digest("hex"));
`;

async function digestOf(root: string, paths: string[]): Promise<string> {
  const threads = paths.length > PATHS_PER_THREAD ? 2 : 1;
  const size = Math.ceil(paths.length / threads);
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, i) => {
      const slice = paths.slice(i * size, (i + 1) * size);
      return new Promise<string>((resolve, reject) => {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { prefix: root + "/", paths: slice } });
        worker.once("message", resolve);
        worker.once("error", reject);
      });
    }),
  );
  // the number of threads depends on the number of paths only: the same when recorded and checked
  return hashText(parts.join(""));
}
