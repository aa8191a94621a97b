// Content hashes of catalogued files (md5 for ONE caches, sha256 for content identity).
//
//   const { hashes, problems } = hashFiles("/data/ds", ["a.csv", "b.npy"], "sha256");
//   hashes.get("a.csv") // "e3b0c442..."
//
// Reads with one reused buffer and synchronous calls: for the many small files of a dataset the
// cost is the system calls, and Node's crypto (SHA-NI) outruns coreutils on large files.

import { closeSync, openSync, readSync } from "node:fs";
import { createHash } from "node:crypto";
import type { Problem } from "../layout/layout.ts";
import type { HashAlgorithm } from "../config/schema.ts";
import { describeFsError } from "../fsutil/describe.ts";

const BUFFER_SIZE = 1 << 20;

export interface HashResult {
  hashes: Map<string, string>;
  problems: Problem[];
}

export function hashFiles(
  root: string,
  paths: readonly string[],
  algorithm: Exclude<HashAlgorithm, "none">,
  onProgress?: (done: number, bytes: number) => void,
): HashResult {
  const hashes = new Map<string, string>();
  const problems: Problem[] = [];
  const buffer = Buffer.allocUnsafe(BUFFER_SIZE);
  const prefix = root.endsWith("/") ? root : `${root}/`;
  let bytes = 0;
  paths.forEach((path, i) => {
    if (i % 1024 === 0) onProgress?.(i, bytes);
    try {
      const { digest, size } = hashOne(prefix + path, algorithm, buffer);
      hashes.set(path, digest);
      bytes += size;
    } catch (e) {
      problems.push({ path, message: describeFsError(e, "cannot read to hash") });
    }
  });
  onProgress?.(paths.length, bytes);
  return { hashes, problems };
}

function hashOne(abs: string, algorithm: string, buffer: Buffer): { digest: string; size: number } {
  const hash = createHash(algorithm);
  const fd = openSync(abs, "r");
  let size = 0;
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(n === buffer.length ? buffer : buffer.subarray(0, n));
      size += n;
    }
  } finally {
    closeSync(fd);
  }
  return { digest: hash.digest("hex"), size };
}
