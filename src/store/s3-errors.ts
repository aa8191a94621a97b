// Turns what the AWS SDK throws into the store's error classes, with messages that name the bucket,
// key and endpoint but never a credential.
//
//   catch (e) { throw s3Error(e, { op: "read", uri: store.uri, bucket, key, endpoint, secrets }); }

import {
  AuthError, BucketNotFoundError, ChecksumMismatchError, KeyNotFoundError, PreconditionFailedError,
  StoreError, StoreUnavailableError, isNetworkError,
} from "./errors.ts";
import { redact } from "./redact.ts";

export interface S3ErrorContext {
  op: string;
  /** The store's URI (credential-free). */
  uri: string;
  bucket: string;
  key?: string;
  /** What to call the server in messages: the custom endpoint URL, or "AWS S3 (region)". */
  endpoint: string;
  secrets: (string | undefined)[];
}

const AUTH_CODES = new Set([
  "SignatureDoesNotMatch", "InvalidAccessKeyId", "AccessDenied", "InvalidToken", "ExpiredToken",
  "TokenRefreshRequired", "InvalidClientTokenId", "CredentialsProviderError", "AuthorizationHeaderMalformed",
]);
const CHECKSUM_CODES = new Set(["BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch", "InvalidChecksum"]);

export function s3Error(e: unknown, ctx: S3ErrorContext): Error {
  if (e instanceof StoreError || e instanceof KeyNotFoundError || e instanceof BucketNotFoundError) return e;
  const err = e as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const code = err.Code ?? err.name ?? "Error";
  const status = err.$metadata?.httpStatusCode;
  const where = ctx.key !== undefined ? `${ctx.uri.replace(/\/$/, "")}/${ctx.key}` : ctx.uri;
  const clean = (s: string) => redact(s, ctx.secrets);

  if (code === "NoSuchBucket") {
    return new BucketNotFoundError(`bucket ${ctx.bucket} does not exist at endpoint ${ctx.endpoint} (${ctx.op} ${where})`);
  }
  if (code === "NoSuchKey" || (status === 404 && code !== "NoSuchUpload")) return new KeyNotFoundError(`${where} does not exist`);
  if (code === "PreconditionFailed" || status === 412) {
    return new PreconditionFailedError(`${ctx.op} ${where}: precondition failed (the object exists or changed since it was read)`);
  }
  if (AUTH_CODES.has(code) || status === 403 || status === 401) {
    // A HEAD has no body, so a 403 there carries no code: say both possibilities.
    const why = AUTH_CODES.has(code) ? code : `HTTP ${status ?? "?"} (wrong credentials or no permission)`;
    return new AuthError(`wrong credentials for s3://${ctx.bucket} at ${ctx.endpoint}: ${why}; check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the AWS profile`);
  }
  if (CHECKSUM_CODES.has(code)) {
    return new ChecksumMismatchError(`${ctx.op} ${where}: the server rejected the content's checksum (${code}); the bytes were damaged on the way or the sha256 is wrong`);
  }
  if (isNetworkError(e) || (status !== undefined && status >= 500 && !err.message)) {
    const attempts = err.$metadata?.attempts;
    return new StoreUnavailableError(
      `cannot reach ${ctx.endpoint} for ${ctx.op} ${where}: ${clean(String(err.message ?? code))}` + (attempts ? ` (after ${attempts} attempts)` : ""),
    );
  }
  const detail = err.message && err.message !== "UnknownError" ? `: ${clean(err.message)}` : "";
  return new StoreError(`${ctx.op} ${where} failed at ${ctx.endpoint}: ${code}${status ? ` (HTTP ${status})` : ""}${detail}`);
}
