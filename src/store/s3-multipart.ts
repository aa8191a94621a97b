// A multipart upload to S3 that hashes the body in the same pass that reads it: each part is read
// once, fed to the whole body's sha256, given its own MD5 (sent as Content-MD5, which every S3
// server checks) and put with UploadPart, `queueSize` parts in flight. Used by S3Store.write for
// large bodies.
//
//   const r = await uploadInParts(client, { Bucket, Key }, { path: "/data/x.bin", size }, { partSize: 8 << 20, queueSize: 8, sha256 });
//   r.etag === r.expectedEtag   // else the bytes were damaged on the way (S3Store deletes the object)
//
// Why not lib-storage's Upload: with a sha256 to check, it meant reading a large file twice (hash
// first, then upload), 0.66x of a plain Upload on radosgw. Here a wrong sha256 is only known once
// the last part is read, so the upload is aborted before CompleteMultipartUpload: the object never
// appears. Parts are Buffers, so the SDK's retries can resend them (a stream cannot be replayed).
// Per-part x-amz-checksum-sha256 is not sent: Ceph 16 ignores it, it would cost a second sha256 of
// every byte, and the composite ETag check already covers the parts' MD5s end to end.

import { createHash } from "node:crypto";
import { open, type FileHandle } from "node:fs/promises";
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand, type S3Client,
} from "@aws-sdk/client-s3";
import type { Body } from "./store.ts";
import { ChecksumMismatchError } from "./errors.ts";
import { bareEtag } from "./keys.ts";

export interface PartsTarget {
  Bucket: string;
  Key: string;
  ContentType?: string;
  /** Conditions go on CompleteMultipartUpload (AWS honours them there; S3Store prechecks for Ceph). */
  IfNoneMatch?: string;
  IfMatch?: string;
}

export interface PartsOptions {
  partSize: number;
  queueSize: number;
  /** Hex sha256 the body must have; checked before the upload is completed. */
  sha256?: string;
  /** Names the object in errors. */
  where: string;
}

/** S3 allows at most this many parts: larger bodies get larger parts. */
const MAX_PARTS = 10_000;

export async function uploadInParts(client: S3Client, target: PartsTarget, body: Body, opts: PartsOptions): Promise<{ etag?: string; expectedEtag: string }> {
  const size = body instanceof Uint8Array ? body.byteLength : body.size;
  const partSize = Math.max(opts.partSize, Math.ceil(size / MAX_PARTS));
  const count = Math.max(1, Math.ceil(size / partSize));
  const { Bucket, Key } = target;
  const file = body instanceof Uint8Array ? undefined : await open(body.path, "r");
  let UploadId: string | undefined;
  const inFlight = new Set<Promise<void>>();
  try {
    UploadId = (await client.send(new CreateMultipartUploadCommand({ Bucket, Key, ContentType: target.ContentType }))).UploadId!;
    const sha = createHash("sha256");
    const md5s: Buffer[] = [];
    const etags: string[] = [];
    let failed: { error: unknown } | undefined;
    for (let i = 0; i < count && !failed; i++) {
      while (inFlight.size >= opts.queueSize) await Promise.race(inFlight);
      if (failed) break;
      const offset = i * partSize;
      const part = await readPart(body, file, offset, Math.min(partSize, size - offset), opts.where);
      sha.update(part);
      const md5 = createHash("md5").update(part).digest();
      md5s.push(md5);
      const sent: Promise<void> = client
        .send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: i + 1, Body: part, ContentLength: part.byteLength, ContentMD5: md5.toString("base64") }))
        .then((r) => void (etags[i] = r.ETag!), (e) => void (failed ??= { error: e }))
        .finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    }
    await Promise.all(inFlight);
    if (failed) throw failed.error;
    const digest = sha.digest("hex");
    if (opts.sha256 && digest !== opts.sha256.toLowerCase()) {
      throw new ChecksumMismatchError(`sha256 mismatch writing ${opts.where}: expected ${opts.sha256}, the content has ${digest}; nothing was written`);
    }
    const done = await client.send(new CompleteMultipartUploadCommand({
      Bucket, Key, UploadId, IfNoneMatch: target.IfNoneMatch, IfMatch: target.IfMatch,
      MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
    }));
    UploadId = undefined; // completed: nothing to abort from here on
    const expectedEtag = `${createHash("md5").update(Buffer.concat(md5s)).digest("hex")}-${count}`;
    return { etag: bareEtag(done.ETag), expectedEtag };
  } finally {
    await file?.close();
    // Parts of an upload neither completed nor aborted stay billed on AWS until a lifecycle rule
    // goes; abort once no part is still arriving (one that lands after the abort would stay).
    await Promise.all(inFlight);
    if (UploadId) await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId })).catch(() => undefined);
  }
}

/** `length` bytes at `offset`: a view of an in-memory body, a fresh buffer read from a file. */
async function readPart(body: Body, file: FileHandle | undefined, offset: number, length: number, where: string): Promise<Uint8Array> {
  if (body instanceof Uint8Array) return body.subarray(offset, offset + length);
  const buf = Buffer.allocUnsafe(length);
  for (let got = 0; got < length; ) {
    const { bytesRead } = await file!.read(buf, got, length - got, offset + got);
    if (bytesRead === 0) throw new ChecksumMismatchError(`write ${where}: ${body.path} is shorter than its expected ${body.size} bytes; nothing was written`);
    got += bytesRead;
  }
  return buf;
}
