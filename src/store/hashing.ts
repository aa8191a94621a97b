// One pass over a body computes what the stores need to check a write: the sha256 the caller
// promised, the MD5 that S3 (Content-MD5) and Azure verify on arrival, and the ETag S3 gives a
// multipart upload (md5 of the parts' md5s, "-N"), so a multipart write can be checked afterwards.
//
//   const d = await digestBody({ path: "/data/x.bin", size: 123 }, 8 << 20);
//   d.sha256Hex; d.md5Base64; d.multipartEtag;

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Body } from "./store.ts";
import { ChecksumMismatchError } from "./errors.ts";

export interface BodyDigest {
  sha256Hex: string;
  sha256Base64: string;
  md5Base64: string;
  md5Hex: string;
  /** S3's ETag for this body uploaded in parts of `partSize` bytes (only when it needs > 1 part). */
  multipartEtag?: string;
}

export async function digestBody(body: Body, partSize = 0): Promise<BodyDigest> {
  const sha = createHash("sha256");
  const md5 = createHash("md5");
  const partMd5s: Buffer[] = [];
  let part = createHash("md5");
  let inPart = 0;
  const feed = (chunk: Uint8Array) => {
    sha.update(chunk);
    md5.update(chunk);
    if (!partSize) return;
    // Split the chunk at part boundaries so the part digests match what the uploader sends.
    for (let off = 0; off < chunk.length; ) {
      const n = Math.min(partSize - inPart, chunk.length - off);
      part.update(chunk.subarray(off, off + n));
      inPart += n;
      off += n;
      if (inPart === partSize) {
        partMd5s.push(part.digest());
        part = createHash("md5");
        inPart = 0;
      }
    }
  };
  if (body instanceof Uint8Array) feed(body);
  else for await (const chunk of createReadStream(body.path, { highWaterMark: 1 << 20 })) feed(chunk as Buffer);
  if (inPart > 0) partMd5s.push(part.digest());
  const shaBuf = sha.digest();
  const md5Buf = md5.digest();
  const out: BodyDigest = {
    sha256Hex: shaBuf.toString("hex"),
    sha256Base64: shaBuf.toString("base64"),
    md5Base64: md5Buf.toString("base64"),
    md5Hex: md5Buf.toString("hex"),
  };
  if (partMd5s.length > 1) {
    out.multipartEtag = `${createHash("md5").update(Buffer.concat(partMd5s)).digest("hex")}-${partMd5s.length}`;
  }
  return out;
}

/** Throws ChecksumMismatchError when the body is not what the caller said it is. */
export function checkSha256(digest: BodyDigest, expected: string | undefined, where: string): void {
  if (expected && digest.sha256Hex !== expected.toLowerCase()) {
    throw new ChecksumMismatchError(`sha256 mismatch writing ${where}: expected ${expected}, the content has ${digest.sha256Hex}; nothing was written`);
  }
}

export function bodySize(body: Body): number {
  return body instanceof Uint8Array ? body.byteLength : body.size;
}
