// Store on S3 and S3-compatible servers (Ceph radosgw, MinIO, …) through the AWS SDK v3.
// Bodies above `multipartThreshold` go up in parts (s3-multipart.ts), hashed while they are read.
//
//   const s = new S3Store({ bucket: "lab", prefix: "ds", endpoint: "http://127.0.0.1:7480" });
//   await s.write("a.bin", bytes, { sha256: hex, ifAbsent: true });
//
// Checksums: with `sha256` a single PUT's body is hashed first (a wrong sha256 fails before anything
// is sent), then sent with x-amz-checksum-sha256, which AWS (and Ceph ≥ 19) verifies. Ceph 16 ignores
// that header (checked: a wrong value is accepted), so the PUT also carries Content-MD5, which every
// S3 server verifies. A multipart body is hashed as its parts are read and sent (each with its
// Content-MD5); a wrong sha256 aborts the upload before it completes, and the ETag the server gives
// (md5 of the parts' md5s) is compared with the one computed locally; on a mismatch the object is
// deleted and ChecksumMismatchError thrown.

import { readFile } from "node:fs/promises";
import {
  DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command,
  PutObjectCommand, S3Client, type S3ClientConfig,
} from "@aws-sdk/client-s3";
import { uploadInParts } from "./s3-multipart.ts";
import type { Body, ListOptions, ListResult, ObjectInfo, Store, WriteOptions } from "./store.ts";
import { BucketNotFoundError, ChecksumMismatchError, KeyNotFoundError } from "./errors.ts";
import { s3Error } from "./s3-errors.ts";
import { KeyMapper, bareEtag, quotedEtag } from "./keys.ts";
import { bodySize, checkSha256, digestBody, type BodyDigest } from "./hashing.ts";
import { envSecrets } from "./redact.ts";

export interface S3StoreOptions {
  bucket: string;
  prefix?: string;
  /** A custom endpoint (radosgw, MinIO); unset means AWS. */
  endpoint?: string;
  /** Default: the SDK's (AWS_REGION, profile), or us-east-1 with a custom endpoint. */
  region?: string;
  /** Default: true with a custom endpoint (most S3-compatible servers have no virtual hosts). */
  forcePathStyle?: boolean;
  /** Default: the SDK's chain (env, ~/.aws/credentials, AWS_PROFILE, SSO, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Bodies larger than this are uploaded in parts (default 16 MiB). */
  multipartThreshold?: number;
  /** Part size of multipart uploads (default 8 MiB). */
  partSize?: number;
  /** Parts in flight per upload (default 8). */
  queueSize?: number;
  /** Give up connecting after this long (default 3 s): a dead server fails fast. */
  connectTimeoutMs?: number;
  /** Give up on a request whose socket stays idle this long (default 30 s): a hung server fails too. */
  requestTimeoutMs?: number;
  /** Attempts per request, including retries of transient failures (default 3). */
  maxAttempts?: number;
  /** Concurrent sockets (default 64). */
  maxSockets?: number;
}

const MiB = 1 << 20;

export class S3Store implements Store {
  readonly uri: string;
  readonly client: S3Client;
  readonly bucket: string;
  private readonly keys: KeyMapper;
  private readonly endpointName: string;
  private readonly secrets: (string | undefined)[];
  private readonly multipartThreshold: number;
  private readonly partSize: number;
  private readonly queueSize: number;
  /** Once the bucket is known to exist, a 404 on HEAD means "no such key" without asking again. */
  private bucketSeen = false;
  private readonly custom: boolean;

  constructor(opts: S3StoreOptions) {
    this.bucket = opts.bucket;
    this.keys = new KeyMapper(opts.prefix ?? "");
    this.uri = `s3://${opts.bucket}${this.keys.prefix ? "/" + this.keys.prefix : ""}`;
    const custom = !!opts.endpoint;
    this.custom = custom;
    const region = opts.region ?? (custom ? process.env.AWS_REGION ?? "us-east-1" : undefined);
    this.endpointName = opts.endpoint ? new URL(opts.endpoint).origin : `AWS S3 (${region ?? process.env.AWS_REGION ?? "default region"})`;
    this.secrets = [opts.credentials?.secretAccessKey, opts.credentials?.sessionToken, ...envSecrets()];
    this.multipartThreshold = opts.multipartThreshold ?? 16 * MiB;
    this.partSize = Math.max(5 * MiB, opts.partSize ?? 8 * MiB);
    this.queueSize = opts.queueSize ?? 8;
    const config: S3ClientConfig = {
      endpoint: opts.endpoint,
      region,
      forcePathStyle: opts.forcePathStyle ?? custom,
      credentials: opts.credentials,
      maxAttempts: opts.maxAttempts ?? 3,
      requestHandler: {
        connectionTimeout: opts.connectTimeoutMs ?? 3000,
        requestTimeout: opts.requestTimeoutMs ?? 30_000,
        httpAgent: { keepAlive: true, maxSockets: opts.maxSockets ?? 64 },
        httpsAgent: { keepAlive: true, maxSockets: opts.maxSockets ?? 64 },
      },
      // The SDK's default CRC32 trailers cost a streaming encoding that older S3-compatible servers
      // reject; we send our own checksums (sha256 + Content-MD5) when the caller gives a sha256.
      requestChecksumCalculation: custom ? "WHEN_REQUIRED" : "WHEN_SUPPORTED",
      responseChecksumValidation: "WHEN_REQUIRED",
    };
    this.client = new S3Client(config);
  }

  private fail(e: unknown, op: string, key?: string): Error {
    return s3Error(e, { op, uri: this.uri, bucket: this.bucket, key, endpoint: this.endpointName, secrets: this.secrets });
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const out: ListResult = { objects: [], prefixes: [] };
    const Prefix = this.keys.toName(prefix);
    let ContinuationToken: string | undefined;
    try {
      do {
        const r = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix, Delimiter: opts.delimiter, ContinuationToken }),
        );
        for (const o of r.Contents ?? []) {
          out.objects.push({ key: this.keys.fromName(o.Key!), size: o.Size ?? 0, etag: bareEtag(o.ETag), modified: o.LastModified });
        }
        for (const p of r.CommonPrefixes ?? []) out.prefixes.push(this.keys.fromName(p.Prefix!));
        ContinuationToken = r.IsTruncated ? r.NextContinuationToken : undefined;
        if (ContinuationToken && opts.limit !== undefined && out.objects.length >= opts.limit) {
          out.truncated = true;
          break;
        }
      } while (ContinuationToken);
    } catch (e) {
      throw this.fail(e, "list", prefix);
    }
    this.bucketSeen = true;
    return out;
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const r = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keys.toName(key) }));
      this.bucketSeen = true;
      return { key, size: r.ContentLength ?? 0, etag: bareEtag(r.ETag), modified: r.LastModified };
    } catch (e) {
      const err = this.fail(e, "stat", key);
      if (!(err instanceof KeyNotFoundError)) throw err;
    }
    // HEAD answers a bare 404 for a missing bucket too; tell the two apart once.
    if (!this.bucketSeen) await this.checkBucket();
    return undefined;
  }

  private async checkBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      this.bucketSeen = true;
    } catch (e) {
      const err = this.fail(e, "stat");
      if (err instanceof KeyNotFoundError) {
        throw new BucketNotFoundError(`bucket ${this.bucket} does not exist at endpoint ${this.endpointName}`);
      }
      throw err;
    }
  }

  async read(key: string): Promise<Uint8Array> {
    return this.get(key, undefined, "read");
  }

  async readRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    return this.get(key, `bytes=${offset}-${offset + length - 1}`, "readRange");
  }

  private async get(key: string, Range: string | undefined, op: string): Promise<Uint8Array> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keys.toName(key), Range }));
      this.bucketSeen = true;
      return await r.Body!.transformToByteArray();
    } catch (e) {
      // 416: the range starts at or past the end; like a file read, that is zero bytes (a range
      // running past the end comes back short).
      if (Range && (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) return new Uint8Array(0);
      throw this.fail(e, op, key);
    }
  }

  async write(key: string, body: Body, opts: WriteOptions = {}): Promise<ObjectInfo> {
    const size = bodySize(body);
    const params = {
      Bucket: this.bucket,
      Key: this.keys.toName(key),
      ContentType: opts.contentType,
      IfNoneMatch: opts.ifAbsent ? "*" : undefined,
      // Ceph 16 compares If-Match with the bare ETag (a quoted one never matches); AWS wants quotes.
      IfMatch: opts.ifMatch === undefined ? undefined : this.custom ? bareEtag(opts.ifMatch) : quotedEtag(opts.ifMatch),
    };
    try {
      if (size <= this.multipartThreshold) {
        // Small bodies are read whole: a Buffer can be re-sent by the SDK's retries, a stream cannot.
        const bytes = body instanceof Uint8Array ? body : await readFile(body.path);
        let digest: BodyDigest | undefined;
        if (opts.sha256) {
          digest = await digestBody(bytes);
          checkSha256(digest, opts.sha256, `${this.uri}/${key}`);
        }
        const r = await this.client.send(
          new PutObjectCommand({
            ...params, Body: bytes, ContentLength: bytes.byteLength,
            ChecksumSHA256: digest?.sha256Base64, ContentMD5: digest?.md5Base64,
          }),
        );
        this.bucketSeen = true;
        return { key, size, etag: bareEtag(r.ETag) };
      }
      if (opts.ifAbsent || opts.ifMatch !== undefined) await this.precheck(key, opts);
      // One read of the body: hashed (sha256, each part's MD5) as its parts go up.
      const r = await uploadInParts(this.client, params, body, {
        partSize: this.partSize, queueSize: this.queueSize, sha256: opts.sha256, where: `${this.uri}/${key}`,
      });
      this.bucketSeen = true;
      // Ceph 16 answers CompleteMultipartUpload with an empty ETag (checked): ask for it, or the
      // check below would never run there.
      const etag = r.etag || (await this.stat(key))?.etag;
      if (etag !== r.expectedEtag) {
        await this.delete(key).catch(() => undefined);
        throw new ChecksumMismatchError(
          `write ${this.uri}/${key}: the server's ETag ${etag} differs from the uploaded parts' ${r.expectedEtag}; the bytes were damaged on the way (the object was deleted)`,
        );
      }
      return { key, size, etag };
    } catch (e) {
      throw this.fail(e, "write", key);
    }
  }

  /**
   * Conditions on a multipart upload ride on CompleteMultipartUpload, which AWS honours but Ceph 16
   * ignores; checking first makes the condition hold there too, except against a writer racing us
   * during the upload itself.
   */
  private async precheck(key: string, opts: WriteOptions): Promise<void> {
    const cur = await this.stat(key);
    const ok = opts.ifAbsent ? cur === undefined : cur !== undefined && cur.etag === bareEtag(opts.ifMatch);
    if (!ok) throw this.fail({ name: "PreconditionFailed", $metadata: { httpStatusCode: 412 } }, "write", key);
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.keys.toName(key) }));
    } catch (e) {
      const err = this.fail(e, "delete", key);
      if (!(err instanceof KeyNotFoundError)) throw err;
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}
