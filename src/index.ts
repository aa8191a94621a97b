// trove as a library: open a dataset, query its catalog, index it, parse paths with its layouts,
// run its steps (`ds.run()`, or `runSteps` with another executor).
//
//   import { Dataset, indexDataset, loadConfig } from "trove";
//   await indexDataset(await loadConfig("/data/ds"));
//   const ds = await Dataset.open("/data/ds");
//   for (const id of await ds.RS.EEG.ids()) console.log(`${await ds.get(id)}`);

export { Dataset } from "./dataset/dataset.ts";
export { Scope, RecordView } from "./dataset/scope.ts";
export type { Filter, FilterValue } from "./dataset/filter.ts";
export { loadConfig, parseConfig, type Config } from "./config/load.ts";
export { indexDataset, type IndexOptions, type IndexReport } from "./catalog/indexer.ts";
export { catalogStatus, type CatalogStatus } from "./catalog/status.ts";
export { makeLayout, makeLayouts } from "./layout/index.ts";
export { LayoutError } from "./layout/layout.ts";
export type { Annotations, ContainerRow, Entities, Layout, Parsed, Tree } from "./layout/layout.ts";
export { alfLayout } from "./layout/alf.ts";
export {
  dromedary,
  filenameParts,
  fullPathParts,
  isSessionPath,
  isUuidString,
  isValidAlf,
  readableAlf,
  toAlf,
  AlfInvalidError,
} from "./layout/alf-names.ts";
export { QC_LEVELS, qcValue, type QcLevel } from "./layout/alf-qc.ts";
export { bidsLayout } from "./layout/bids.ts";
export { templateLayout } from "./layout/template.ts";
export { containersLayout } from "./layout/containers.ts";
export { buildOneCache, importOneCache, oneTablesAt } from "./compat/one/cache.ts";
export { readOneCache } from "./compat/one/read.ts";
export { searchSessions, type SearchTerms } from "./compat/one/search.ts";
export { listDatasets, listSubjects, listCollections, listRevisions } from "./compat/one/list.ts";
export { filterDatasets } from "./compat/one/filter.ts";
export { ThotProject, ThotFormatError, detectThotGeneration, matches as thotMatches } from "./compat/thot/index.ts";
export type { ThotContainer, ThotAsset, ThotGeneration, Search as ThotSearch } from "./compat/thot/index.ts";
export type { OneDataset, OneSession, OneTables } from "./compat/one/tables.ts";
export { runSteps, planRun, RunError, type CatalogSource, type RunEvent, type RunReport, type RunStepsOptions, type TaskResult } from "./run/runner.ts";
export type { Executor, ExecutorEvent, RunOptions, TaskCounts, TaskOutcome, TaskSpec, TaskStatus } from "./run/executor.ts";
export { ExecutorError } from "./run/executor.ts";
export { LocalExecutor, type LocalExecutorOptions } from "./run/local-executor.ts";
export { readJournal, type RunRow } from "./run/journal.ts";
export { lineage, type LineageNode } from "./run/lineage.ts";
export { SINAGOT_STATUS, type StepStatusRow } from "./run/step-status.ts";
export { loadSinagotWorkspace, isSinagotWorkspace } from "./compat/sinagot/workspace.ts";
export * from "./errors.ts";
export { LocalStore } from "./store/local.ts";
export { VersionedDataset, type OpenVersionOptions } from "./versions/open.ts";
export { createSnapshot, type SnapshotOptions } from "./versions/snapshot.ts";
export { listVersions, resolveVersion, type VersionEntry } from "./versions/layout.ts";
export { diffVersions, type VersionDiff } from "./versions/diff.ts";
export { deleteVersion } from "./versions/delete.ts";
export { checkoutVersion, type CheckoutOptions, type CheckoutReport } from "./versions/checkout.ts";
export { pushVersion, type PushOptions, type PushReport } from "./versions/push.ts";
export { pullVersion, type PullOptions, type PullReport } from "./versions/pull.ts";
export { localVersions } from "./versions/local.ts";
export type { DatasetDescription, DataModel } from "./versions/description.ts";
export { VersionNotFoundError, NothingToSnapshotError, CorruptObjectError, VersionError } from "./versions/errors.ts";
