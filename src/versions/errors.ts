// The errors of snapshots, versions, push and pull: each names the version, key or store involved
// and says what to do.
//
//   throw new VersionNotFoundError(`no version "v9" in file:///data/ds/.trove/versions; versions: a1b2…, c3d4…`);

import { NotFoundError, TroveError } from "../errors.ts";

/** The version asked for (by id or label) is not in the store. */
export class VersionNotFoundError extends NotFoundError {
  override name = "VersionNotFoundError";
}

/** A snapshot was asked for but there is nothing to freeze (no catalog yet). */
export class NothingToSnapshotError extends TroveError {
  override name = "NothingToSnapshotError";
}

/** A pulled object or table does not have the sha256 the version names for it. */
export class CorruptObjectError extends TroveError {
  override name = "CorruptObjectError";
}

/** An operation the versions cannot allow: deleting the latest, a duplicate label, a bad description. */
export class VersionError extends TroveError {
  override name = "VersionError";
}
