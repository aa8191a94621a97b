// Store on Azure Blob Storage (and Azurite) through @azure/storage-blob. Conditional writes use
// If-None-Match: * / If-Match; large bodies go up as staged blocks committed in one atomic step.
//
//   const s = AzureStore.fromConnectionString(cs, "container", "lab/ds");
//   await s.write("a.bin", bytes, { sha256: hex });
//
// Checksums: Azure has no sha256 check, so with `sha256` the content is hashed first (a wrong
// sha256 fails before anything is sent) and its MD5 is sent with the upload, which the server
// verifies (x-ms-blob-content-md5 on a single Put Blob, Content-MD5 on each staged block).

import { open, readFile } from "node:fs/promises";
import { createHash, randomBytes } from "node:crypto";
import {
  BlobServiceClient, StorageSharedKeyCredential, type BlobRequestConditions, type ContainerClient,
  type StoragePipelineOptions,
} from "@azure/storage-blob";
import type { Body, ListResult, ObjectInfo, Store, WriteOptions } from "./store.ts";
import { BucketNotFoundError, KeyNotFoundError } from "./errors.ts";
import { azureError } from "./azure-errors.ts";
import { KeyMapper, bareEtag, quotedEtag } from "./keys.ts";
import { bodySize, checkSha256, digestBody } from "./hashing.ts";
import { envSecrets, redact } from "./redact.ts";

export interface AzureStoreOptions {
  container: string;
  prefix?: string;
  /** Connection string (Azurite, or an account with a key or SAS). */
  connectionString?: string;
  /** Or: an account with its key (endpoint default https://<account>.blob.core.windows.net). */
  account?: string;
  accountKey?: string;
  /** A SAS token (with or without the leading "?"), used with `account` / `endpoint`. */
  sasToken?: string;
  endpoint?: string;
  /** Bodies larger than this are uploaded as staged blocks (default 16 MiB). */
  multipartThreshold?: number;
  blockSize?: number;
  /** Blocks in flight per upload (default 8). */
  concurrency?: number;
  /** Attempts per request (default 3) and the time each may take (default 60 s). */
  maxTries?: number;
  tryTimeoutMs?: number;
}

const MiB = 1 << 20;

export class AzureStore implements Store {
  readonly uri: string;
  readonly container: ContainerClient;
  private readonly keys: KeyMapper;
  private readonly endpointName: string;
  private readonly secrets: (string | undefined)[];
  private readonly threshold: number;
  private readonly blockSize: number;
  private readonly concurrency: number;
  private containerSeen = false;

  constructor(opts: AzureStoreOptions) {
    const pipeline: StoragePipelineOptions = {
      retryOptions: { maxTries: opts.maxTries ?? 3, tryTimeoutInMs: opts.tryTimeoutMs ?? 60_000, retryDelayInMs: 200, maxRetryDelayInMs: 2000 },
    };
    let service: BlobServiceClient;
    if (opts.connectionString) {
      service = BlobServiceClient.fromConnectionString(opts.connectionString, pipeline);
    } else if (opts.account && opts.accountKey) {
      const url = opts.endpoint ?? `https://${opts.account}.blob.core.windows.net`;
      service = new BlobServiceClient(url, new StorageSharedKeyCredential(opts.account, opts.accountKey), pipeline);
    } else if (opts.sasToken && (opts.account || opts.endpoint)) {
      const url = opts.endpoint ?? `https://${opts.account}.blob.core.windows.net`;
      service = new BlobServiceClient(`${url}?${opts.sasToken.replace(/^\?/, "")}`, undefined, pipeline);
    } else {
      throw new Error("AzureStore needs a connection string, an account key or a SAS token");
    }
    this.secrets = [opts.accountKey, opts.sasToken, opts.connectionString, ...envSecrets()];
    this.container = service.getContainerClient(opts.container);
    this.keys = new KeyMapper(opts.prefix ?? "");
    this.endpointName = redact(new URL(service.url).origin, this.secrets);
    this.uri = `az://${service.accountName}/${opts.container}${this.keys.prefix ? "/" + this.keys.prefix : ""}`;
    this.threshold = opts.multipartThreshold ?? 16 * MiB;
    this.blockSize = opts.blockSize ?? 8 * MiB;
    this.concurrency = opts.concurrency ?? 8;
  }

  private fail(e: unknown, op: string, key?: string, sentMd5 = false): Error {
    return azureError(e, { op, uri: this.uri, container: this.container.containerName, key, endpoint: this.endpointName, secrets: this.secrets, sentMd5 });
  }

  async list(prefix: string, opts: { delimiter?: string } = {}): Promise<ListResult> {
    const out: ListResult = { objects: [], prefixes: [] };
    const name = this.keys.toName(prefix);
    try {
      const pages = opts.delimiter
        ? this.container.listBlobsByHierarchy(opts.delimiter, { prefix: name }).byPage({ maxPageSize: 5000 })
        : this.container.listBlobsFlat({ prefix: name }).byPage({ maxPageSize: 5000 });
      for await (const page of pages) {
        const segment = page.segment as { blobItems: { name: string; properties: { contentLength?: number; etag?: string; lastModified?: Date } }[]; blobPrefixes?: { name: string }[] };
        for (const b of segment.blobItems) {
          out.objects.push({ key: this.keys.fromName(b.name), size: b.properties.contentLength ?? 0, etag: bareEtag(b.properties.etag), modified: b.properties.lastModified });
        }
        for (const p of segment.blobPrefixes ?? []) out.prefixes.push(this.keys.fromName(p.name));
      }
    } catch (e) {
      throw this.fail(e, "list", prefix);
    }
    this.containerSeen = true;
    return out;
  }

  async stat(key: string): Promise<ObjectInfo | undefined> {
    try {
      const p = await this.container.getBlobClient(this.keys.toName(key)).getProperties();
      this.containerSeen = true;
      return { key, size: p.contentLength ?? 0, etag: bareEtag(p.etag), modified: p.lastModified };
    } catch (e) {
      const err = this.fail(e, "stat", key);
      if (!(err instanceof KeyNotFoundError)) throw err;
    }
    // A HEAD carries no error code, so a 404 may mean a missing container: ask once.
    if (!this.containerSeen) await this.checkContainer();
    return undefined;
  }

  private async checkContainer(): Promise<void> {
    let exists: boolean;
    try {
      exists = await this.container.exists();
    } catch (e) {
      throw this.fail(e, "stat");
    }
    if (!exists) throw new BucketNotFoundError(`container ${this.container.containerName} does not exist at endpoint ${this.endpointName}`);
    this.containerSeen = true;
  }

  async read(key: string): Promise<Uint8Array> {
    return this.download(key, 0, undefined, "read");
  }

  async readRange(key: string, offset: number, length: number): Promise<Uint8Array> {
    if (length <= 0) return new Uint8Array(0);
    return this.download(key, offset, length, "readRange");
  }

  private async download(key: string, offset: number, count: number | undefined, op: string): Promise<Uint8Array> {
    try {
      const r = await this.container.getBlobClient(this.keys.toName(key)).download(offset, count, { maxRetryRequests: 3 });
      const chunks: Buffer[] = [];
      for await (const c of r.readableStreamBody!) chunks.push(c as Buffer);
      this.containerSeen = true;
      return Buffer.concat(chunks);
    } catch (e) {
      // A range starting past the end: zero bytes, like a file read.
      if (count !== undefined && (e as { statusCode?: number }).statusCode === 416) return new Uint8Array(0);
      throw this.fail(e, op, key);
    }
  }

  async write(key: string, body: Body, opts: WriteOptions = {}): Promise<ObjectInfo> {
    const size = bodySize(body);
    const digest = opts.sha256 ? await digestBody(body) : undefined;
    if (digest) checkSha256(digest, opts.sha256, `${this.uri}/${key}`);
    const conditions: BlobRequestConditions = {};
    if (opts.ifAbsent) conditions.ifNoneMatch = "*";
    if (opts.ifMatch !== undefined) conditions.ifMatch = quotedEtag(opts.ifMatch);
    const headers = { blobContentType: opts.contentType, blobContentMD5: digest ? Buffer.from(digest.md5Base64, "base64") : undefined };
    const blob = this.container.getBlockBlobClient(this.keys.toName(key));
    try {
      let etag: string | undefined;
      if (size <= this.threshold) {
        const bytes = body instanceof Uint8Array ? body : await readFile(body.path);
        etag = (await blob.upload(bytes, bytes.byteLength, { conditions, blobHTTPHeaders: headers })).etag;
      } else {
        const ids = await this.stageBlocks(blob, body, size, !!digest);
        etag = (await blob.commitBlockList(ids, { conditions, blobHTTPHeaders: headers })).etag;
      }
      this.containerSeen = true;
      return { key, size, etag: bareEtag(etag) };
    } catch (e) {
      throw this.fail(e, "write", key, !!digest);
    }
  }

  /** Uploads `body` as blocks, `concurrency` at a time, each with its MD5 when `verify`; returns the block ids in order. */
  private async stageBlocks(blob: ReturnType<ContainerClient["getBlockBlobClient"]>, body: Body, size: number, verify: boolean): Promise<string[]> {
    const n = Math.ceil(size / this.blockSize);
    // Block ids must all have the same length; a random stem keeps a concurrent writer's blocks apart.
    const stem = randomBytes(6).toString("hex");
    const ids = Array.from({ length: n }, (_, i) => Buffer.from(`${stem}-${String(i).padStart(6, "0")}`).toString("base64"));
    const fh = body instanceof Uint8Array ? undefined : await open(body.path, "r");
    try {
      let next = 0;
      const worker = async () => {
        for (let i = next++; i < n; i = next++) {
          const start = i * this.blockSize;
          const len = Math.min(this.blockSize, size - start);
          let chunk: Uint8Array;
          if (body instanceof Uint8Array) chunk = body.subarray(start, start + len);
          else {
            const buf = Buffer.allocUnsafe(len);
            const { bytesRead } = await fh!.read(buf, 0, len, start);
            if (bytesRead !== len) throw new Error(`${body.path} is shorter than its stated size ${size}`);
            chunk = buf;
          }
          const md5 = verify ? createHash("md5").update(chunk).digest() : undefined;
          await blob.stageBlock(ids[i], chunk, len, { transactionalContentMD5: md5 });
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, n) }, worker));
    } finally {
      await fh?.close();
    }
    return ids;
  }

  async delete(key: string): Promise<void> {
    try {
      await this.container.getBlobClient(this.keys.toName(key)).deleteIfExists();
    } catch (e) {
      throw this.fail(e, "delete", key);
    }
  }

  async close(): Promise<void> {}
}
