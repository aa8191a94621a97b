// Reads many small text files at once, on worker threads when there are enough of them: a Thot
// project's 60,000 `_asset.json` files cost their system calls, which two threads do in parallel.
//
//   const texts = await readTexts("/data/plane", ["_container.json", "deg20/_container.json"]);
//   texts[0]   // the text, or an Error saying why it could not be read
//
// The worker is a few lines of plain JavaScript kept as a string, so it runs the same from the
// sources and from the bundled command.

import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";

/** Below this many files per thread, another thread costs more than it saves. */
const FILES_PER_THREAD = 4000;
const MAX_THREADS = 4;

const WORKER_SOURCE = `
const { readFileSync } = require("node:fs");
const { parentPort, workerData } = require("node:worker_threads");
const { prefix, paths } = workerData;
const out = new Array(paths.length);
for (let i = 0; i < paths.length; i++) {
  try {
    out[i] = readFileSync(prefix + paths[i], "utf8");
  } catch (e) {
    out[i] = { error: e.message };
  }
}
parentPort.postMessage(out);
`;

/** The UTF-8 text of each path (relative to `root`), in order; a file that cannot be read gives an Error. */
export async function readTexts(root: string, paths: readonly string[]): Promise<(string | Error)[]> {
  const threads = Math.min(MAX_THREADS, availableParallelism(), Math.floor(paths.length / FILES_PER_THREAD));
  if (threads < 2) {
    return paths.map((p) => {
      try {
        return readFileSync(join(root, p), "utf8");
      } catch (e) {
        return e as Error;
      }
    });
  }
  const size = Math.ceil(paths.length / threads);
  const parts = await Promise.all(
    Array.from({ length: threads }, (_, i) =>
      new Promise<(string | { error: string })[]>((resolve, reject) => {
        const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { prefix: root.endsWith("/") ? root : `${root}/`, paths: paths.slice(i * size, (i + 1) * size) } });
        worker.once("message", resolve);
        worker.once("error", reject);
      }),
    ),
  );
  return parts.flat().map((t) => (typeof t === "string" ? t : new Error(t.error)));
}
