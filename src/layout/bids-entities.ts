// The BIDS entity table: every key a BIDS file name may carry, in the order BIDS requires it,
// and the catalog column each one fills.
//
//   BIDS_ENTITY_BY_KEY.get("acq")?.column   // "acq"
//   BIDS_ENTITY_BY_KEY.get("from")?.column  // "from_space"
//
// Order and formats follow the BIDS schema (bids-specification `src/schema/rules/entities.yaml`
// and `objects/entities.yaml`, read July 2026). Column names are the BIDS key, except:
//   sub  -> subject, ses -> session  (the names every BIDS tool uses for them)
//   desc -> description              (DESC is a reserved SQL keyword, as DuckDB reports)
//   from -> from_space, to -> to_space (FROM and TO are reserved SQL keywords; both name spaces)
// so the catalog's columns never need quoting.

export type BidsEntityFormat = "label" | "index";

export interface BidsEntity {
  /** The key as written in file names (`acq` in `acq-mprage`). */
  readonly key: string;
  /** The catalog column the value goes to. */
  readonly column: string;
  /** `label`: letters and digits; `index`: digits only (kept as written, zero padding included). */
  readonly format: BidsEntityFormat;
  /** False for keys common derivative pipelines write that the BIDS schema does not define. */
  readonly inSchema: boolean;
  /** Position in the required file-name order. */
  readonly order: number;
}

type Row = [key: string, column: string, format: BidsEntityFormat, inSchema?: false];

// The extras (roi ... mode) are written by widely used pipelines (fMRIPrep transforms
// `from-T1w_to-MNI_mode-image_xfm.h5`, region and model outputs) but are not in the schema.
// Knowing them keeps those files parseable; they sit just before `desc`, which BIDS keeps last.
const ROWS: readonly Row[] = [
  ["sub", "subject", "label"],
  ["tpl", "tpl", "label"],
  ["ses", "session", "label"],
  ["cohort", "cohort", "label"],
  ["sample", "sample", "label"],
  ["task", "task", "label"],
  ["tracksys", "tracksys", "label"],
  ["acq", "acq", "label"],
  ["nuc", "nuc", "label"],
  ["voi", "voi", "label"],
  ["ce", "ce", "label"],
  ["trc", "trc", "label"],
  ["stain", "stain", "label"],
  ["rec", "rec", "label"],
  ["dir", "dir", "label"],
  ["run", "run", "index"],
  ["mod", "mod", "label"],
  ["echo", "echo", "index"],
  ["flip", "flip", "index"],
  ["inv", "inv", "index"],
  ["mt", "mt", "label"],
  ["part", "part", "label"],
  ["proc", "proc", "label"],
  ["hemi", "hemi", "label"],
  ["space", "space", "label"],
  ["split", "split", "index"],
  ["recording", "recording", "label"],
  ["chunk", "chunk", "index"],
  ["atlas", "atlas", "label"],
  ["seg", "seg", "label"],
  ["scale", "scale", "label"],
  ["res", "res", "label"],
  ["den", "den", "label"],
  ["label", "label", "label"],
  ["roi", "roi", "label", false],
  ["model", "model", "label", false],
  ["subset", "subset", "label", false],
  ["from", "from_space", "label", false],
  ["to", "to_space", "label", false],
  ["mode", "mode", "label", false],
  ["desc", "description", "label"],
];

/** Every entity in file-name order. */
export const BIDS_ENTITIES: readonly BidsEntity[] = ROWS.map(([key, column, format, inSchema], order) => ({
  key,
  column,
  format,
  inSchema: inSchema ?? true,
  order,
}));

export const BIDS_ENTITY_BY_KEY: ReadonlyMap<string, BidsEntity> = new Map(
  BIDS_ENTITIES.map((e) => [e.key, e]),
);

export const BIDS_ENTITY_BY_COLUMN: ReadonlyMap<string, BidsEntity> = new Map(
  BIDS_ENTITIES.map((e) => [e.column, e]),
);

const LABEL = /^[A-Za-z0-9]+$/;
const INDEX = /^[0-9]+$/;

/** Whether a value is well formed for its entity (BIDS labels are alphanumeric, indices numeric). */
export function isWellFormed(entity: BidsEntity, value: string): boolean {
  return (entity.format === "index" ? INDEX : LABEL).test(value);
}

/** BIDS datatype folders (schema `objects/datatypes.yaml`), `phenotype` aside: it sits at the root. */
export const BIDS_DATATYPES: ReadonlySet<string> = new Set([
  "anat",
  "beh",
  "dwi",
  "eeg",
  "emg",
  "fmap",
  "func",
  "ieeg",
  "meg",
  "micr",
  "motion",
  "mrs",
  "nirs",
  "perf",
  "pet",
]);
