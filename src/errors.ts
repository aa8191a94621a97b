// The error classes every part of trove throws for bad input or a state it cannot work with.
// Faces (the CLI, the server) print `message` alone for a TroveError and a stack for anything else:
// a TroveError is the user's to fix, anything else is ours.
//
//   throw new ConfigError("trove.toml:4 index.hash: expected one of none, md5, sha256");

export class TroveError extends Error {
  override name = "TroveError";
}

/** trove.toml is missing, malformed or inconsistent. */
export class ConfigError extends TroveError {
  override name = "ConfigError";
}

/** A dataset folder, record, scope or file the caller asked for does not exist. */
export class NotFoundError extends TroveError {
  override name = "NotFoundError";
}

/** SQL that DuckDB rejected; the message carries DuckDB's words and the query. */
export class QueryError extends TroveError {
  override name = "QueryError";
}

/** The catalog on disk cannot be used: written by a newer trove, or damaged. */
export class CatalogError extends TroveError {
  override name = "CatalogError";
}

/** Another process holds the dataset's write lock. */
export class LockedError extends TroveError {
  override name = "LockedError";
}
