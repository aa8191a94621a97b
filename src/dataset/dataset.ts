// A dataset opened for reading: its config, its catalog as SQL views, and scopes over it.
//
//   const ds = await Dataset.open("/data/sonetaa");
//   await ds.count();                        // records
//   const rec = await ds.get("REC-200331-A");
//   await ds.RS.EEG.files({ extension: "edf" });
//   await ds.query("SELECT task, count(*) AS n FROM files GROUP BY task");
//   ds.close();
//   await ds.findContainers({ type: "sample", "metadata.angle": 30 });   // Thot's search over `containers`
//   const v1 = await Dataset.open("s3://bucket/lab/sonetaa", { version: "v1.0" });  // a pushed version (VersionedDataset)

import type { Config } from "../config/load.ts";
import { loadConfig } from "../config/load.ts";
import type { Params, Row } from "../catalog/duckdb.ts";
import { type CatalogManifest, readManifest } from "../catalog/manifest.ts";
import { CATALOG_FORMAT } from "../catalog/columns.ts";
import { CatalogError, NotFoundError } from "../errors.ts";
import { Scope } from "./scope.ts";
import { importOneCacheInRoot } from "../compat/one/auto-import.ts";
import { type CatalogSession, openSession } from "./session.ts";
import { type Named, withScopeNames } from "./sugar.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type OpenVersionOptions, VersionedDataset } from "../versions/open.ts";
import { localVersions } from "../versions/local.ts";
import { isUri } from "../versions/stores.ts";
import { type CatalogFindOptions, type CatalogObject, findObjects } from "./thot.ts";
import type { Search } from "../compat/thot/search.ts";

/** The manifest of the dataset's catalog, refusing a missing one or one in an older format. */
export function currentCatalog(config: Config, dir = config.root): CatalogManifest {
  const manifest = readManifest(config.root);
  if (!manifest) throw new NotFoundError(`${config.root} has no catalog yet; run \`trove index ${dir}\` first`);
  if (manifest.format < CATALOG_FORMAT) {
    throw new CatalogError(`the catalog of ${config.root} was written by trove ${manifest.trove} in an older format; run \`trove index ${dir}\` to rebuild it`);
  }
  return manifest;
}

export class Dataset extends Scope {
  private constructor(
    session: CatalogSession,
    readonly config: Config,
  ) {
    super(session);
  }

  /** The catalog generation this dataset reads; a run through it moves it to the new one. */
  get manifest(): CatalogManifest {
    return this.session.manifest;
  }

  /**
   * Opens the dataset whose trove.toml is in `dir` (or is `dir`); it must have been indexed.
   * A store URI, or a `version` (of the folder's own snapshots, or of a store folder), opens that
   * version read-only instead: its tables are fetched lazily, per table, into a local cache.
   */
  static open(uri: `${string}://${string}`, options?: OpenVersionOptions): Promise<VersionedDataset>;
  static open(dir: string, options: OpenVersionOptions & { version: string }): Promise<VersionedDataset>;
  static open(dir: string): Promise<Named<Dataset>>;
  static async open(dir: string, options?: OpenVersionOptions): Promise<Named<Dataset> | VersionedDataset> {
    if (isUri(dir)) return VersionedDataset.open(dir, options);
    const hasConfig = existsSync(dir) && (existsSync(join(dir, "trove.toml")) || dir.endsWith(".toml"));
    if (options?.version !== undefined) {
      return VersionedDataset.open(hasConfig ? localVersions((await loadConfig(dir)).root) : dir, options);
    }
    // a folder a dataset was pushed to (no trove.toml, a versions layout): its latest version
    if (!hasConfig && (existsSync(join(dir, "versions")) || existsSync(join(dir, "latest")))) return VersionedDataset.open(dir, options);
    return Dataset.fromConfig(await loadConfig(dir), dir);
  }

  /** Opens the dataset a loaded (or built) config describes; `dir` is how messages name it. */
  static async fromConfig(config: Config, dir = config.root): Promise<Named<Dataset>> {
    const manifest = currentCatalog(config, dir);
    await importOneCacheInRoot(config.root);
    const session = await openSession(config, manifest);
    return withScopeNames(new Dataset(session, config));
  }

  get root(): string {
    return this.config.root;
  }

  /** Any SQL over the catalog views (files, records, containers); `$1`/`$name` parameters. */
  query(sql: string, params?: Params): Promise<Row[]> {
    return this.session.db.all(sql, params);
  }

  /** Like query, with column names and types kept (for printing tables and CSV). */
  table(sql: string, params?: Params) {
    return this.session.db.table(sql, params);
  }

  /**
   * Containers of the `containers` table matching a Thot search: dot paths (`"metadata.angle"`),
   * equality, RegExp, list containment, `{ $in: [...] }`, predicates. Metadata includes inherited keys.
   */
  findContainers(search: Search = {}, options?: CatalogFindOptions): Promise<CatalogObject[]> {
    return findObjects(this.session.db, "container", search, options);
  }

  async findContainer(search: Search = {}, options?: CatalogFindOptions): Promise<CatalogObject | undefined> {
    return (await this.findContainers(search, options))[0];
  }

  /** Assets matching a Thot search (see findContainers). */
  findAssets(search: Search = {}, options?: CatalogFindOptions): Promise<CatalogObject[]> {
    return findObjects(this.session.db, "asset", search, options);
  }

  async findAsset(search: Search = {}, options?: CatalogFindOptions): Promise<CatalogObject | undefined> {
    return (await this.findAssets(search, options))[0];
  }

  close(): void {
    this.session.db.close();
  }
}
