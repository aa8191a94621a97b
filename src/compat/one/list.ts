// ONE's local list_* methods over the cache tables: list_datasets, list_subjects,
// list_collections and list_revisions (`one.api.One`), with ONE's defaults.
//
//   const { datasets, warnings } = listDatasets(rows, { eid, filename: "*wheel*" });
//   listCollections(rows, { eid })            // ["alf", "raw_video_data", ...]
//   listRevisions(rows, { revision: "202[01]*" })
//
// Like `One(wildcards=True)`, patterns are shell wildcards unless `wildcards: false` (then
// Python regular expressions). filter.ts holds the matching rules.

import { TroveError } from "../../errors.ts";
import { relPathParts } from "../../layout/alf-names.ts";
import { filterDatasets, type FilterOptions, type FilterResult } from "./filter.ts";
import { compareCodePoints } from "./revisions.ts";
import type { OneDataset, OneSession } from "./tables.ts";

/** ONE's `ALFError('No default revisions specified')`: the cache has no default_revision. */
export class OneNoDefaultRevisionsError extends TroveError {
  override name = "OneNoDefaultRevisionsError";
}

export interface ListOptions extends FilterOptions {
  /** One session id, or several; empty or absent: every session. */
  eid?: string | readonly string[] | null;
  /** Only rows whose `default_revision` is true; throws when no row has the field. */
  defaultRevisionsOnly?: boolean;
}

/**
 * ONE's `list_datasets(details=True)`: the matching rows in table order. Unlike
 * `filterDatasets`, revisions are matched as patterns (`revisionLastBefore: false`) and nothing
 * has to be unique (`assertUnique: false`), and wildcards are on; each can be set.
 *
 * ONE's `details=False` list is `rel_path`s: sorted for one eid, else unique in table order.
 */
export function listDatasets(
  datasets: readonly OneDataset[],
  options: ListOptions = {},
): FilterResult {
  const { eid, defaultRevisionsOnly = false, ...filter } = options;
  let rows = defaultRevisionsOnly ? defaultRevisions(datasets) : datasets;
  if (eid != null && eid.length > 0) rows = ofSessions(rows, eid);
  return filterDatasets(rows, {
    wildcards: true,
    revisionLastBefore: false,
    assertUnique: false,
    ...withoutUndefined(filter),
  });
}

function defaultRevisions(datasets: readonly OneDataset[]): OneDataset[] {
  if (!datasets.some((d) => d.default_revision !== undefined)) {
    throw new OneNoDefaultRevisionsError("No default revisions specified");
  }
  return datasets.filter((d) => d.default_revision === true);
}

function ofSessions(datasets: readonly OneDataset[], eid: string | readonly string[]) {
  const eids = new Set(typeof eid === "string" ? [eid] : eid);
  return datasets.filter((d) => eids.has(d.eid));
}

/** Spread over defaults, an explicit `undefined` must not erase the default. */
function withoutUndefined<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** ONE's `list_subjects`: every subject name once, sorted. */
export function listSubjects(sessions: readonly OneSession[]): string[] {
  return [...new Set(sessions.map((s) => s.subject))].sort(compareCodePoints);
}

export type CollectionListOptions = Pick<
  ListOptions,
  "eid" | "filename" | "collection" | "revision" | "wildcards"
>;

/**
 * ONE's `list_collections`: the collections of the datasets `listDatasets` finds (so the QC
 * default of FAIL applies), once each in table order; `""` for datasets in the session folder.
 */
export function listCollections(
  datasets: readonly OneDataset[],
  options: CollectionListOptions = {},
): string[] {
  return [...datasetsByCollectionInOrder(datasets, options).keys()];
}

/** ONE's `list_collections(details=True)`: the datasets of each collection, keys sorted. */
export function datasetsByCollection(
  datasets: readonly OneDataset[],
  options: CollectionListOptions = {},
): Map<string, OneDataset[]> {
  return sortedByKey(datasetsByCollectionInOrder(datasets, options));
}

function datasetsByCollectionInOrder(datasets: readonly OneDataset[], options: CollectionListOptions) {
  const { datasets: rows } = listDatasets(datasets, pick(options));
  return groupBy(rows, (d) => relPathParts(d.rel_path, { assertValid: false }).collection ?? "");
}

/**
 * ONE's `list_revisions`: the revisions (without `#`) of a session's datasets that match,
 * once each in table order; `""` for datasets with no revision folder.
 */
export function listRevisions(
  datasets: readonly OneDataset[],
  options: CollectionListOptions = {},
): string[] {
  return [...datasetsByRevisionInOrder(datasets, options).keys()];
}

/** ONE's `list_revisions(details=True)`: the datasets of each revision, keys sorted. */
export function datasetsByRevision(
  datasets: readonly OneDataset[],
  options: CollectionListOptions = {},
): Map<string, OneDataset[]> {
  return sortedByKey(datasetsByRevisionInOrder(datasets, options));
}

function datasetsByRevisionInOrder(datasets: readonly OneDataset[], options: CollectionListOptions) {
  // As ONE: the session's valid datasets first, then the filters, so QC is applied twice (a no-op).
  const { datasets: ofSession } = listDatasets(datasets, { eid: options.eid });
  const { eid: _eid, ...filters } = pick(options);
  const { datasets: rows } = listDatasets(ofSession, filters);
  return groupBy(rows, (d) => relPathParts(d.rel_path, { assertValid: false }).revision ?? "");
}

/** Only the options list_collections / list_revisions take (no QC or revision choice). */
function pick(options: CollectionListOptions): CollectionListOptions {
  const { eid, filename, collection, revision, wildcards } = options;
  return { eid, filename, collection, revision, wildcards };
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function sortedByKey<T>(groups: Map<string, T>): Map<string, T> {
  return new Map([...groups].sort(([a], [b]) => compareCodePoints(a, b)));
}
