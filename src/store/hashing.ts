// One pass over a body computes what the stores need to check a write: the sha256 the caller
// promised and the MD5 that S3 (Content-MD5), Azure and GCS verify on arrival. (S3's multipart
// uploads hash as they send, in s3-multipart.ts.)
//
//   const d = await digestBody({ path: "/data/x.bin", size: 123 });
//   d.sha256Hex; d.md5Base64;

import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { Body } from "./store.ts";
import { ChecksumMismatchError } from "./errors.ts";

export interface BodyDigest {
  sha256Hex: string;
  sha256Base64: string;
  md5Base64: string;
  md5Hex: string;
}

export async function digestBody(body: Body): Promise<BodyDigest> {
  const sha = createHash("sha256");
  const md5 = createHash("md5");
  const feed = (chunk: Uint8Array) => {
    sha.update(chunk);
    md5.update(chunk);
  };
  if (body instanceof Uint8Array) feed(body);
  else for await (const chunk of createReadStream(body.path, { highWaterMark: 1 << 20 })) feed(chunk as Buffer);
  const shaBuf = sha.digest();
  const md5Buf = md5.digest();
  return {
    sha256Hex: shaBuf.toString("hex"),
    sha256Base64: shaBuf.toString("base64"),
    md5Base64: md5Buf.toString("base64"),
    md5Hex: md5Buf.toString("hex"),
  };
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
