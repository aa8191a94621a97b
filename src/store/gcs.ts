// Store on Google Cloud Storage through @google-cloud/storage (JSON API). Conditional writes use
// generation preconditions: a store etag here IS the object's generation, so `ifMatch` becomes
// ifGenerationMatch and `ifAbsent` ifGenerationMatch=0.
//
//   const s = new GcsStore({ bucket: "lab", prefix: "ds" });              // GOOGLE_APPLICATION_CREDENTIALS
//   const t = new GcsStore({ bucket: "b", apiEndpoint: "http://127.0.0.1:4443" }); // an emulator
//
// Checksums: with `sha256` the content is hashed first (a wrong sha256 fails before anything is
// sent) and its md5Hash goes into the upload's metadata, which GCS verifies on arrival.
// Uploads are single multipart requests (no resumable sessions): simple, and one request per object.

import { createReadStream } from "node:fs";
import { pipeline } from "node:stream/promises";
import { Storage, type Bucket, type StorageOptions } from "@google-cloud/storage";
import type { Body, ListResult, ObjectInfo, Store, WriteOptions } from "./store.ts";
import { BucketNotFoundError, KeyNotFoundError } from "./errors.ts";
import { gcsError } from "./gcs-errors.ts";
import { KeyMapper } from "./keys.ts";
import { bodySize, checkSha256, digestBody } from "./hashing.ts";

export interface GcsStoreOptions {
  bucket: string;
  prefix?: string;
  /** An emulator or private endpoint (also read from STORAGE_EMULATOR_HOST by the SDK). */
  apiEndpoint?: string;
  projectId?: string;
  /** A service-account key file (default: GOOGLE_APPLICATION_CREDENTIALS / the metadata server). */
  keyFilename?: string;
  /** A ready OAuth2 access token, sent as-is (tests, short scripts). */
  accessToken?: string;
  /** Retries of transient failures (default 2) and the time one request may take (default 60 s). */
  maxRetries?: number;
  timeoutMs?: number;
}

interface GcsMetadata {
  size?: string | number;
  generation?: string | number;
  updated?: string;
  md5Hash?: string;
}

export class GcsStore implements Store {
  readonly uri: string;
  readonly bucket: Bucket;
  private readonly keys: KeyMapper;
  private readonly endpointName: string;
  private readonly secrets: (string | undefined)[];
  private bucketSeen = false;

  constructor(opts: GcsStoreOptions) {
    const so: StorageOptions = {
      apiEndpoint: opts.apiEndpoint,
      projectId: opts.projectId ?? (opts.apiEndpoint || opts.accessToken ? "trove" : undefined),
      keyFilename: opts.keyFilename,
      timeout: opts.timeoutMs ?? 60_000,
      retryOptions: { autoRetry: true, maxRetries: opts.maxRetries ?? 2, maxRetryDelay: 2, totalTimeout: 60, retryDelayMultiplier: 2 },
      // The SDK drops authentication for custom endpoints unless told otherwise.
      useAuthWithCustomEndpoint: !!(opts.accessToken || opts.keyFilename),
    };
    if (opts.accessToken) so.authClient = staticToken(opts.accessToken) as unknown as StorageOptions["authClient"];
    const storage = new Storage(so);
    this.bucket = storage.bucket(opts.bucket);
    this.keys = new KeyMapper(opts.prefix ?? "");
    this.uri = `gs://${opts.bucket}${this.keys.prefix ? "/" + this.keys.prefix : ""}`;
    this.endpointName = new URL(storage.apiEndpoint).origin;
    this.secrets = [opts.accessToken];
  }

  private fail(e: unknown, op: string, key?: string, sentMd5 = false): Error {
    return gcsError(e, { op, uri: this.uri, bucket: this.bucket.name, key, endpoint: this.endpointName, secrets: this.secrets, sentMd5 });
  }

  private info(key: string, m: GcsMetadata): ObjectInfo {
    return { key, size: Number(m.size ?? 0), etag: m.generation !== undefined ? String(m.generation) : undefined, modified: m.updated ? new Date(m.updated) : undefined };
  }

  async list(prefix: string, opts: { delimiter?: string } = {}): Promise<ListResult> {
    const out: ListResult = { objects: [], prefixes: [] };
    let pageToken: string | undefined;
    try {
      do {
        const [files, next, resp] = await this.bucket.getFiles({
          prefix: this.keys.toName(prefix), delimiter: opts.delimiter, autoPaginate: false, maxResults: 1000, pageToken,
        });
        for (const f of files) out.objects.push(this.info(this.keys.fromName(f.name), f.metadata as GcsMetadata));
        for (const p of (resp as { prefixes?: string[] } | undefined)?.prefixes ?? []) out.prefixes.push(this.keys.fromName(p));
        pageToken = (next as { pageToken?: string } | null)?.pageToken;
      } while (pageToken);
    } catch (e) {
      throw this.fail(e, "list", prefix);
    }
    this.bucketSeen = true;
    return out;
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const [m] = await this.bucket.file(this.keys.toName(key)).getMetadata();
      this.bucketSeen = true;
      return this.info(key, m as GcsMetadata);
    } catch (e) {
      const err = this.fail(e, "stat", key);
      if (!(err instanceof KeyNotFoundError)) throw err;
    }
    if (!this.bucketSeen) await this.checkBucket();
    return undefined;
  }

  private async checkBucket(): Promise<void> {
    let exists: boolean;
    try {
      [exists] = await this.bucket.exists();
    } catch (e) {
      throw this.fail(e, "stat");
    }
    if (!exists) throw new BucketNotFoundError(`bucket ${this.bucket.name} does not exist at endpoint ${this.endpointName}`);
    this.bucketSeen = true;
  }

  async read(key: string): Promise<Uint8Array> {
    try {
      const [data] = await this.bucket.file(this.keys.toName(key)).download({ validation: "md5" });
      this.bucketSeen = true;
      return data;
    } catch (e) {
      throw this.fail(e, "read", key);
    }
  }

  async readRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    try {
      const [data] = await this.bucket.file(this.keys.toName(key)).download({ start: offset, end: offset + length - 1, validation: false });
      return data;
    } catch (e) {
      // A range starting past the end: zero bytes, like a file read.
      if ((e as { code?: number }).code === 416) return new Uint8Array(0);
      throw this.fail(e, "readRange", key);
    }
  }

  async write(key: string, body: Body, opts: WriteOptions = {}): Promise<ObjectInfo> {
    const size = bodySize(body);
    const digest = opts.sha256 ? await digestBody(body) : undefined;
    if (digest) checkSha256(digest, opts.sha256, `${this.uri}/${key}`);
    const generation = opts.ifAbsent ? 0 : opts.ifMatch !== undefined ? Number(opts.ifMatch) : undefined;
    const file = this.bucket.file(this.keys.toName(key));
    const options = {
      resumable: false,
      validation: false as const,
      contentType: opts.contentType,
      metadata: digest ? { md5Hash: digest.md5Base64 } : undefined,
      preconditionOpts: generation !== undefined ? { ifGenerationMatch: generation } : undefined,
    };
    try {
      if (body instanceof Uint8Array) await file.save(Buffer.from(body.buffer, body.byteOffset, body.byteLength), options);
      else await pipeline(createReadStream(body.path), file.createWriteStream(options));
    } catch (e) {
      throw this.fail(e, "write", key, !!digest);
    }
    this.bucketSeen = true;
    return { ...this.info(key, file.metadata as GcsMetadata), size };
  }

  async delete(key: string): Promise<void> {
    try {
      await this.bucket.file(this.keys.toName(key)).delete({ ignoreNotFound: true });
    } catch (e) {
      throw this.fail(e, "delete", key);
    }
  }

  async close(): Promise<void> {}
}

/** The smallest auth client the SDK accepts: it only ever asks for request headers. */
function staticToken(token: string) {
  return {
    getRequestHeaders: async () => ({ Authorization: `Bearer ${token}` }),
    getAccessToken: async () => ({ token }),
    getCredentials: async () => ({}),
    getProjectId: async () => "trove",
    request: () => Promise.reject(new Error("not supported")),
    on: () => undefined,
  };
}
