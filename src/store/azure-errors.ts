// Turns what @azure/storage-blob throws (RestError) into the store's error classes, with messages
// that name the container, key and endpoint but never the account key or a SAS signature.
//
//   catch (e) { throw azureError(e, { op: "read", uri, container, key, endpoint, secrets }); }

import {
  AuthError, BucketNotFoundError, ChecksumMismatchError, KeyNotFoundError, PreconditionFailedError,
  StoreError, StoreUnavailableError, isNetworkError,
} from "./errors.ts";
import { redact } from "./redact.ts";

export interface AzureErrorContext {
  op: string;
  uri: string;
  container: string;
  key?: string;
  endpoint: string;
  secrets: (string | undefined)[];
  /** The write carried an MD5, so a 400 about the content means it did not match. */
  sentMd5?: boolean;
}

const AUTH_CODES = new Set(["AuthenticationFailed", "AuthorizationFailure", "AuthorizationPermissionMismatch", "InvalidAuthenticationInfo", "NoAuthenticationInformation"]);

export function azureError(e: unknown, ctx: AzureErrorContext): Error {
  if (e instanceof StoreError || e instanceof KeyNotFoundError || e instanceof BucketNotFoundError) return e;
  const err = e as { code?: string; statusCode?: number; message?: string };
  const code = err.code ?? "";
  const status = err.statusCode;
  const where = ctx.key !== undefined ? `${ctx.uri.replace(/\/$/, "")}/${ctx.key}` : ctx.uri;
  if (code === "ContainerNotFound") {
    return new BucketNotFoundError(`container ${ctx.container} does not exist at endpoint ${ctx.endpoint} (${ctx.op} ${where})`);
  }
  if (code === "BlobNotFound" || status === 404) return new KeyNotFoundError(`${where} does not exist`);
  // Put Blob with If-None-Match: * on an existing blob answers 409 BlobAlreadyExists, not 412.
  if (status === 412 || code === "ConditionNotMet" || code === "BlobAlreadyExists" || code === "TargetConditionNotMet") {
    return new PreconditionFailedError(`${ctx.op} ${where}: precondition failed (the object exists or changed since it was read)`);
  }
  if (AUTH_CODES.has(code) || status === 403 || status === 401) {
    return new AuthError(`wrong credentials for az://${ctx.container} at ${ctx.endpoint}: ${code || `HTTP ${status}`}; check AZURE_STORAGE_CONNECTION_STRING or the account key`);
  }
  if (code === "Md5Mismatch" || code === "Crc64Mismatch" || (ctx.sentMd5 && status === 400)) {
    return new ChecksumMismatchError(`${ctx.op} ${where}: the server rejected the content's MD5 (${code || "HTTP 400"}); the bytes were damaged on the way`);
  }
  if (isNetworkError(e) || code === "REQUEST_SEND_ERROR") {
    return new StoreUnavailableError(`cannot reach ${ctx.endpoint} for ${ctx.op} ${where}: ${redact(err.message ?? code, ctx.secrets)}`);
  }
  const msg = redact((err.message ?? "").split("\n")[0], ctx.secrets);
  return new StoreError(`${ctx.op} ${where} failed at ${ctx.endpoint}: ${code || "error"}${status ? ` (HTTP ${status})` : ""}${msg ? `: ${msg}` : ""}`);
}
