// Where a version's parts are on a store, and finding versions in any of the layouts trove reads:
//
//   trove (layout_version 1)           fw-dataset 0.3-0.4 ("gen B")        fw-dataset 0.1 ("gen A")
//   versions/<id>/provenance/…         latest/provenance/…  (the latest)   versions/latest/provenance/…
//   versions/<id>/schemas/<t>.schema.json  versions/<id>/…  (older ones)
//   versions/<id>/tables/<t>/*.parquet versions/latest_version.json
//   latest/…  (mirror of the latest)
//   versions/latest_version.json  (written last: the pointer)
//   objects/<sha256[0:2]>/<sha256>  (data files, content-addressed)
//
//   const versions = await listVersions(store);       // latest first, then newest first
//   const v = await resolveVersion(store, "v1.0");    // by id or label; "latest" by default
//   const keys = await tableKeys(store, v, "files");  // ["versions/<id>/tables/files/files.parquet"]

import type { Store } from "../store/store.ts";
import { KeyNotFoundError } from "../store/errors.ts";
import { type DatasetDescription, parseDescription } from "./description.ts";
import { VersionNotFoundError } from "./errors.ts";

export const DESCRIPTION = "provenance/dataset_description.json";
export const LATEST_POINTER = "versions/latest_version.json";
export const LATEST_PREFIX = "latest/";
export const versionPrefix = (id: string) => `versions/${id}/`;
export const objectKey = (sha256: string) => `objects/${sha256.slice(0, 2)}/${sha256}`;

export interface VersionEntry {
  id: string;
  label: string;
  created: string;
  latest: boolean;
  /** The key prefix holding the version's provenance/, schemas/ and tables/. */
  prefix: string;
  description: DatasetDescription;
}

export async function readJson(store: Store, key: string): Promise<DatasetDescription | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.read(key);
  } catch (e) {
    if (e instanceof KeyNotFoundError || (e as Error).name === "KeyNotFoundError") return undefined;
    throw e;
  }
  return parseDescription(new TextDecoder().decode(bytes), `${store.uri}/${key}`);
}

/** Every complete version (one whose description is written), latest first, then by `created`, newest first. */
export async function listVersions(store: Store): Promise<VersionEntry[]> {
  const found = new Map<string, VersionEntry>();
  const add = (prefix: string, d: DatasetDescription) => {
    const id = String(d.version ?? prefix.split("/").at(-2));
    if (found.has(id)) return; // versions/<id>/ wins over the latest/ mirror
    found.set(id, { id, label: String(d.version_label ?? id), created: String(d.created ?? ""), latest: false, prefix, description: d });
  };
  const { prefixes } = await store.list("versions/", { delimiter: "/" });
  const descriptions = await Promise.all(prefixes.map((p) => readJson(store, p + DESCRIPTION)));
  prefixes.forEach((p, i) => descriptions[i] && add(p, descriptions[i]!));
  const latestDir = await readJson(store, LATEST_PREFIX + DESCRIPTION);
  if (latestDir) add(LATEST_PREFIX, latestDir);

  const pointer = await readJson(store, LATEST_POINTER);
  let latestId = pointer?.version ?? latestDir?.version ?? found.get("latest")?.id;
  if (latestId === undefined || !found.has(String(latestId))) latestId = [...found.values()].sort(byCreated)[0]?.id;
  const entries = [...found.values()];
  for (const e of entries) e.latest = e.id === String(latestId);
  return entries.sort((a, b) => Number(b.latest) - Number(a.latest) || byCreated(a, b));
}

const byCreated = (a: VersionEntry, b: VersionEntry) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0);

/** The version with this id or label ("latest": the latest); VersionNotFoundError naming those there are. */
export async function resolveVersion(store: Store, ref = "latest"): Promise<VersionEntry> {
  const versions = await listVersions(store);
  const hit = ref === "latest" ? versions.find((v) => v.latest) : versions.find((v) => v.id === ref) ?? versions.find((v) => v.label === ref);
  if (hit) return hit;
  const known = versions.length ? `versions: ${versions.map((v) => (v.label === v.id ? v.id : `${v.id} (${v.label})`)).join(", ")}` : "it has no versions yet";
  throw new VersionNotFoundError(`no version "${ref}" in ${store.uri}; ${known}`);
}

/** The tables of a version: those its description names, and any other folder under tables/. */
export async function tableNames(store: Store, v: VersionEntry): Promise<string[]> {
  const { prefixes } = await store.list(`${v.prefix}tables/`, { delimiter: "/" });
  const listed = prefixes.map((p) => p.slice(`${v.prefix}tables/`.length, -1));
  return [...new Set([...Object.keys(v.description.tables), ...listed])].sort();
}

/** The Parquet files of one table (fw-dataset writes uuid-named parts, or `<table>.parquet`). */
export async function tableKeys(store: Store, v: VersionEntry, table: string): Promise<string[]> {
  const { objects } = await store.list(`${v.prefix}tables/${table}/`);
  return objects.map((o) => o.key).filter((k) => k.endsWith(".parquet"));
}
