// Content hashes of catalogued files (md5 for ONE caches, sha256 for content identity).
//
//   const { hashes, problems } = await hashFiles("/data/ds", ["a.csv", "b.npy"], "sha256");
//   hashes.get("a.csv") // "e3b0c442..."
//
// The work is spread over worker threads, one per core: for a dataset's many small files the
// cost is system calls, which run in parallel (two threads hashed 100k files 1.4x faster than
// one, measured). Each worker reads with one reused buffer; Node's crypto (SHA-NI) outruns
// coreutils on large files. The worker is a few lines of plain JavaScript kept as a string, so it
// runs the same from the sources and from the bundled command.

import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { HashAlgorithm } from "../config/schema.ts";
import { describeFsError } from "../fsutil/describe.ts";
import { comparePaths } from "../fsutil/paths.ts";
import type { Problem } from "../layout/layout.ts";

export interface HashResult {
  hashes: Map<string, string>;
  problems: Problem[];
}

/** Below this many files per thread, another thread costs more than it saves. */
const FILES_PER_THREAD = 2000;
const MAX_THREADS = 4;

type WorkerMessage =
  | { kind: "progress"; done: number }
  | { kind: "done"; digests: (string | null)[]; errors: { index: number; code: string | undefined; message: string }[] };

const WORKER_SOURCE = `
const { openSync, readSync, closeSync } = require("node:fs");
const { createHash } = require("node:crypto");
const { parentPort, workerData } = require("node:worker_threads");
const { prefix, paths, algorithm } = workerData;
const buffer = Buffer.allocUnsafe(1 << 20);
const digests = [];
const errors = [];
for (let i = 0; i < paths.length; i++) {
  if (i % 1024 === 1023) parentPort.postMessage({ kind: "progress", done: 1024 });
  let fd;
  try {
    const hash = createHash(algorithm);
    fd = openSync(prefix + paths[i], "r");
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
      if (n < buffer.length) break; // a short read of a regular file is its end
    }
    digests.push(hash.digest("hex"));
  } catch (e) {
    digests.push(null);
    errors.push({ index: i, code: e.code, message: e.message });
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
parentPort.postMessage({ kind: "done", digests, errors });
`;

export async function hashFiles(
  root: string,
  paths: readonly string[],
  algorithm: Exclude<HashAlgorithm, "none">,
  onProgress?: (done: number) => void,
): Promise<HashResult> {
  const hashes = new Map<string, string>();
  const problems: Problem[] = [];
  if (paths.length === 0) return { hashes, problems };
  const prefix = root.endsWith("/") ? root : `${root}/`;
  const threads = Math.max(1, Math.min(availableParallelism(), MAX_THREADS, Math.ceil(paths.length / FILES_PER_THREAD)));
  // interleaved shares even out runs of large files in one folder
  const shares = Array.from({ length: threads }, (_, t) => paths.filter((_, i) => i % threads === t));
  let done = 0;
  const results = await Promise.all(
    shares.map((share) => runWorker({ prefix, paths: share, algorithm }, (n) => onProgress?.((done += n)))),
  );
  results.forEach(({ digests, errors }, t) => {
    digests.forEach((digest, i) => {
      if (digest !== null) hashes.set(shares[t][i], digest);
    });
    for (const e of errors) {
      const error = Object.assign(new Error(e.message), { code: e.code });
      problems.push({ path: shares[t][e.index], message: describeFsError(error, "cannot read to hash") });
    }
  });
  onProgress?.(paths.length);
  problems.sort((a, b) => comparePaths(a.path, b.path));
  return { hashes, problems };
}

function runWorker(
  workerData: { prefix: string; paths: string[]; algorithm: string },
  onProgress: (n: number) => void,
): Promise<Extract<WorkerMessage, { kind: "done" }>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData });
    worker.on("message", (m: WorkerMessage) => {
      if (m.kind === "progress") onProgress(m.done);
      else resolve(m);
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (code !== 0) reject(new Error(`hash worker exited with code ${code}`));
    });
  });
}
