// The errors a Store throws, one class per thing the caller may want to handle differently.
// Every message names the store by its credential-free URI and says what to check.
//
//   try { await store.write(k, bytes, { ifAbsent: true }); }
//   catch (e) { if (e instanceof PreconditionFailedError) { /* someone else wrote it first */ } }

import { NotFoundError, TroveError } from "../errors.ts";

/** Anything a store could not do that is not one of the more specific classes below. */
export class StoreError extends TroveError {
  override name = "StoreError";
}

/** A conditional write (ifAbsent / ifMatch) lost: the object exists, or changed since it was read. */
export class PreconditionFailedError extends StoreError {
  override name = "PreconditionFailedError";
}

/** The server refused the credentials (wrong key, expired token, no permission). Never carries the secret. */
export class AuthError extends StoreError {
  override name = "AuthError";
}

/** The bytes written do not have the sha256 the caller said they have, or arrived damaged. */
export class ChecksumMismatchError extends StoreError {
  override name = "ChecksumMismatchError";
}

/** The server did not answer (refused, reset, timed out) even after the SDK's retries. */
export class StoreUnavailableError extends StoreError {
  override name = "StoreUnavailableError";
}

/** The bucket or container itself does not exist (a NotFoundError, so callers can treat it as one). */
export class BucketNotFoundError extends NotFoundError {
  override name = "BucketNotFoundError";
}

/** No object has this key. */
export class KeyNotFoundError extends NotFoundError {
  override name = "KeyNotFoundError";
}

/** Network-level failures Node and the SDKs report by code rather than by HTTP status. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN",
  "EPIPE", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_SOCKET", "TimeoutError", "RequestTimeout", "AbortError",
]);

/** True when `e` (or its cause) says the server could not be reached or stopped answering. */
export function isNetworkError(e: unknown): boolean {
  for (let cur: any = e, depth = 0; cur && depth < 5; cur = cur.cause, depth++) {
    if (NETWORK_CODES.has(cur.code) || NETWORK_CODES.has(cur.name) || NETWORK_CODES.has(cur.errno)) return true;
    if (typeof cur.message === "string" && /ECONNREFUSED|ECONNRESET|socket hang up|timed? ?out|ETIMEDOUT/i.test(cur.message)) return true;
    if (Array.isArray(cur.errors) && cur.errors.some(isNetworkError)) return true; // AggregateError (happy eyeballs)
  }
  return false;
}
