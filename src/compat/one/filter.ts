// ONE's `one.util.filter_datasets`: dataset rows narrowed by collection, revision, file name and
// QC, with its revision and uniqueness rules. list.ts builds ONE's list_* methods on it.
//
//   const { datasets, warnings } = filterDatasets(rows, {
//     filename: { object: "trials", namespace: "ibl" }, collection: "alf", revisionLastBefore: false,
//     assertUnique: false,
//   });
//
// Patterns are regular expressions (Python syntax) unless `wildcards` is set, then shell
// wildcards as fnmatch reads them. A part left null/undefined matches anything, present or
// absent; `""` matches only its absence (collection and revision).

import { FILE_SPEC, alfPattern } from "../../layout/alf-spec.ts";
import { qcRank, qcValue, relPathParts, type QcLevel } from "../../layout/alf-names.ts";
import { compileSource, pythonRegexSource, wildcardSource } from "./match.ts";
import {
  AlfFilterError,
  AlfMultipleCollectionsError,
  AlfMultipleObjectsError,
  AlfMultipleRevisionsError,
  filterRevisionLastBefore,
  quotedList,
  revisionOf,
  type RevisionChoice,
} from "./revisions.ts";
import type { OneDataset } from "./tables.ts";

/** One pattern, or several of which any may match. */
export type PatternList = string | readonly string[];

/** ALF file-name parts to match (ONE's dict form of `filename`). */
export type FileNameParts = Partial<
  Record<"namespace" | "object" | "attribute" | "timescale" | "extra" | "extension", PatternList | null>
>;

export interface FilterOptions {
  /** A file name pattern, several (any may match), or patterns per ALF part. */
  filename?: PatternList | FileNameParts | null;
  collection?: PatternList | null;
  revision?: PatternList | null;
  /**
   * Keep one revision per dataset: the last at or before `revision` (exact string, no pattern),
   * or the default one when `revision` is null (ONE's default: true).
   */
  revisionLastBefore?: boolean;
  /** Datasets at or below this QC level, as name or Alyx value (ONE's default: FAIL). */
  qc?: QcLevel | string | number;
  ignoreQcNotSet?: boolean;
  /** Throw unless the answer is one collection, one revision and one dataset (default: true). */
  assertUnique?: boolean;
  /** With `revisionLastBefore`: throw instead of warning when datasets differ in revision. */
  assertConsistent?: boolean;
  /** Shell wildcards instead of regular expressions (default: false, as in `filter_datasets`). */
  wildcards?: boolean;
}

export type FilterResult = RevisionChoice;

/**
 * ONE's `filter_datasets`. Throws AlfMultipleCollectionsError / AlfMultipleRevisionsError /
 * AlfMultipleObjectsError under `assertUnique`, OnePatternError for a bad pattern, QcValueError
 * for a bad QC.
 */
export function filterDatasets(
  datasets: readonly OneDataset[],
  options: FilterOptions = {},
): FilterResult {
  const { revisionLastBefore = true, assertUnique = true } = options;
  const matchesPath = relPathMatcher(options);
  const matchesQc = qcMatcher(options.qc ?? "FAIL", options.ignoreQcNotSet ?? false);
  const match = datasets.filter((d) => matchesPath(d.rel_path) && matchesQc(d.qc));
  if (match.length === 0 || !(revisionLastBefore || assertUnique)) {
    return { datasets: match, warnings: [] };
  }
  if (assertUnique) assertOneCollection(match);
  if (assertUnique && !revisionLastBefore) return assertOneDataset(match);
  const revision = onlyString(options.revision ?? null);
  const chosen = filterRevisionLastBefore(match, {
    revision,
    assertUnique,
    assertConsistent: options.assertConsistent ?? false,
  });
  if (assertUnique && chosen.datasets.length > 1) {
    throw new AlfMultipleObjectsError(quotedList(chosen.datasets.map((d) => d.rel_path)));
  }
  return chosen;
}

function assertOneCollection(match: readonly OneDataset[]): void {
  const collections = new Set(match.map((d) => relPathParts(d.rel_path).collection ?? ""));
  if (collections.size > 1) throw new AlfMultipleCollectionsError(quotedList(collections));
}

function assertOneDataset(match: OneDataset[]): FilterResult {
  const revisions = new Set(match.map((d) => revisionOf(d.rel_path)));
  if (revisions.size > 1) throw new AlfMultipleRevisionsError(quotedList(revisions));
  if (match.length > 1) throw new AlfMultipleObjectsError(quotedList(match.map((d) => d.rel_path)));
  return { datasets: match, warnings: [] };
}

/** With revisionLastBefore the revision is compared, not matched: one string or none. */
function onlyString(revision: PatternList | null): string | null {
  if (revision === null || typeof revision === "string") return revision;
  throw new AlfFilterError(
    `A revision list cannot be compared; pass one revision: ${quotedList(revision)}`,
  );
}

function qcMatcher(qc: QcLevel | string | number, ignoreNotSet: boolean) {
  const ceiling = qcRank(qcValue(qc));
  return (level: QcLevel) => qcRank(level) <= ceiling && !(ignoreNotSet && level === "NOT_SET");
}

// ---------------------------------------------------------------------------------------------
// The rel_path pattern (ONE builds one regex and `re.match`es every rel_path against it)

function relPathMatcher(options: FilterOptions): (relPath: string) => boolean {
  const wildcards = options.wildcards ?? false;
  const revisionPattern = options.revisionLastBefore === false ? options.revision : null;
  const folders = alfPattern(collectionSpec(options.collection, revisionPattern), {
    collection: partSource(options.collection, wildcards),
    revision: partSource(revisionPattern, wildcards),
  });
  const source = `^${folders}${fileNameSource(options.filename, wildcards)}`;
  const re = compileSource(source, "u", source);
  return (relPath) => re.test(relPath);
}

/**
 * ONE's `_collection_spec`: a null part may be present or absent, an empty one must be absent,
 * any other must be present.
 */
export function collectionSpec(
  collection: PatternList | null | undefined,
  revision: PatternList | null | undefined,
): string {
  return folderSpec(collection, "{collection}/") + folderSpec(revision, "#{revision}#/");
}

function folderSpec(value: PatternList | null | undefined, part: string): string {
  if (value == null) return `(${part})?`;
  return isEmpty(value) ? "" : part;
}

function isEmpty(value: PatternList): boolean {
  return value.length === 0; // "" or []: Python's falsy
}

/** A part's pattern as regex source; null leaves the ALF spec's own pattern. */
function partSource(value: PatternList | null | undefined, wildcards: boolean): string | null {
  if (value == null) return null;
  const list = typeof value === "string" ? [value] : value;
  return list.map((p) => (wildcards ? wildcardSource(p) : pythonRegexSource(p))).join("|");
}

function fileNameSource(
  filename: FilterOptions["filename"],
  wildcards: boolean,
): string {
  if (isFileNameParts(filename)) return fileSpecSource(filename, wildcards);
  if (filename == null || isEmpty(filename)) return fileSpecSource({}, wildcards);
  const names = typeof filename === "string" ? [filename] : filename;
  // ONE joins the names at the top level of its regex, so every name after the first loses the
  // collection/revision prefix (`^alf/a$|b$`); grouped here so each name gets it.
  const alternatives = names.map((name) =>
    wildcards
      ? `${wildcardSource(name, { leadingStarStaysInFolder: true })}$`
      : `${pythonRegexSource(name)}$`,
  );
  return `(?:${alternatives.join("|")})`;
}

function isFileNameParts(filename: FilterOptions["filename"]): filename is FileNameParts {
  return typeof filename === "object" && filename !== null && !Array.isArray(filename);
}

const OPTIONAL_MARK = { namespace: "?", timescale: "?", extra: "*" } as const;

/**
 * ONE's `_file_spec` and `regex`: FILE_SPEC with the given parts' patterns, and the optional
 * parts that were given made required (an empty `{}` is the plain ALF file spec).
 */
function fileSpecSource(parts: FileNameParts, wildcards: boolean): string {
  let spec = FILE_SPEC;
  const overrides: Record<string, string | null> = {};
  for (const [part, value] of Object.entries(parts)) {
    if (value == null) continue;
    overrides[part] = partSource(value, wildcards);
    if (Object.hasOwn(OPTIONAL_MARK, part)) {
      const mark = OPTIONAL_MARK[part as keyof typeof OPTIONAL_MARK];
      const at = spec.indexOf(mark, spec.indexOf(part) + part.length);
      spec = spec.slice(0, at) + spec.slice(at + 1);
    }
  }
  return alfPattern(spec, overrides);
}
