// Turns what @google-cloud/storage throws (ApiError: HTTP status in `code`) into the store's error
// classes, with messages that name the bucket, key and endpoint but never a token.
//
//   catch (e) { throw gcsError(e, { op: "read", uri, bucket, key, endpoint, secrets }); }

import {
  AuthError, BucketNotFoundError, ChecksumMismatchError, KeyNotFoundError, PreconditionFailedError,
  StoreError, StoreUnavailableError, isNetworkError,
} from "./errors.ts";
import { redact } from "./redact.ts";

export interface GcsErrorContext {
  op: string;
  uri: string;
  bucket: string;
  key?: string;
  endpoint: string;
  secrets: (string | undefined)[];
  sentMd5?: boolean;
}

export function gcsError(e: unknown, ctx: GcsErrorContext): Error {
  if (e instanceof StoreError || e instanceof KeyNotFoundError || e instanceof BucketNotFoundError) return e;
  const err = e as { code?: number | string; message?: string; errors?: { reason?: string }[] };
  const status = typeof err.code === "number" ? err.code : undefined;
  const reason = err.errors?.[0]?.reason ?? "";
  const msg = redact(String(err.message ?? ""), ctx.secrets);
  const where = ctx.key !== undefined ? `${ctx.uri.replace(/\/$/, "")}/${ctx.key}` : ctx.uri;
  if (status === 404 && /bucket/i.test(msg)) {
    return new BucketNotFoundError(`bucket ${ctx.bucket} does not exist at endpoint ${ctx.endpoint} (${ctx.op} ${where})`);
  }
  if (status === 404) return new KeyNotFoundError(`${where} does not exist`);
  if (status === 412 || reason === "conditionNotMet") {
    return new PreconditionFailedError(`${ctx.op} ${where}: precondition failed (the object exists or changed since it was read)`);
  }
  if (status === 401 || status === 403) {
    return new AuthError(`wrong credentials for gs://${ctx.bucket} at ${ctx.endpoint}: ${reason || `HTTP ${status}`} (${msg}); check GOOGLE_APPLICATION_CREDENTIALS`);
  }
  if (status === 400 && (ctx.sentMd5 || /md5|crc32c|hash/i.test(msg))) {
    return new ChecksumMismatchError(`${ctx.op} ${where}: the server rejected the content's checksum (${msg}); the bytes were damaged on the way`);
  }
  if (isNetworkError(e)) return new StoreUnavailableError(`cannot reach ${ctx.endpoint} for ${ctx.op} ${where}: ${msg}`);
  return new StoreError(`${ctx.op} ${where} failed at ${ctx.endpoint}: ${reason || "error"}${status ? ` (HTTP ${status})` : ""}${msg ? `: ${msg}` : ""}`);
}
