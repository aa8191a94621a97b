// The `alf` layout: IBL's ALF file naming, with exactly the grammar of ONE's FULL_SPEC
//   (lab/Subjects/)subject/date/number/(collection/)(#revision#/)
//   (_namespace_)object.attribute(_timescale)(.extra)*.extension
//
//   const alf = alfLayout();
//   alf.parse("lab/Subjects/m1/2024-01-01/001/alf/_ibl_trials.goCue_times_bpod.csv").entities
//   // { lab: "lab", subject: "m1", date: "2024-01-01", number: "001", collection: "alf",
//   //   revision: null, namespace: "ibl", object: "trials", attribute: "goCue_times",
//   //   timescale: "bpod", extra: null, extension: "csv" }
//   alf.build({ subject: "m1", date: "2024-01-01", number: "1", object: "spikes",
//               attribute: "times", extension: "npy" })  // "m1/2024-01-01/1/spikes.times.npy"
//
// The dataset root is either the parent of lab folders (`lab/Subjects/...`) or a folder of
// subjects (`subject/date/number/...`). A path the grammar rejects is still taken apart as far as
// it goes, so "almost ALF" files can be listed and fixed; `unparsed` then holds what was left:
//   s/2024-01-01/001/notes.txt          session filled, unparsed "notes.txt"
//   s/2024-01-01/001/my data/a.b.npy    session and file parts filled, unparsed "my data"
//   s/2024-01-01/trials.intervals.npy   (no number) file parts filled, unparsed "s/2024-01-01"
//   trials.intervals.npy                file parts filled, unparsed "": nothing odd but no session
//   README.md                           nothing filled, unparsed "README.md"
// Session folders are only looked for at the start: a root one level too high is not guessed at.

import { type Entities, type Layout, type Parsed, LayoutError } from "./layout.ts";
import {
  ALF_PARTS,
  ALF_PART_PATTERNS,
  type AlfPart,
  FILENAME_RE,
  FOLDERS_RE,
  FULL_PATH_RE,
  type IndexedRegex,
  SESSION_PREFIX_RE,
  indexedRegex,
} from "./alf-spec.ts";
import { joinAlfName } from "./alf-names.ts";

/** The alf layout has no options; the type leaves room for some without breaking callers. */
export type AlfLayoutOptions = {};

export function alfLayout(options: AlfLayoutOptions = {}): Layout {
  const unknown = Object.keys(options ?? {});
  if (unknown.length > 0) {
    throw new LayoutError(`alf layout: unknown option "${unknown[0]}" (it takes none)`);
  }
  return { name: "alf", entities: ALF_PARTS, parse: parseAlfPath, build: buildAlfPath };
}

const FULL = indexedRegex(FULL_PATH_RE);
const SESSION = indexedRegex(SESSION_PREFIX_RE);
const FOLDERS = indexedRegex(FOLDERS_RE);
const FILENAME = indexedRegex(FILENAME_RE);

/** Entities of a relative path; see the file comment for what invalid paths give. */
export function parseAlfPath(relPath: string): Parsed {
  const full = FULL.re.exec(relPath);
  if (full) return { valid: true, entities: fullEntities(full), unparsed: null };
  const session = SESSION.re.exec(relPath);
  return session
    ? parseAfterSession(session, relPath.slice(session[0].length))
    : parseWithoutSession(relPath);
}

const [LAB, SUBJECT, DATE, NUMBER, COLLECTION, REVISION] = ALF_PARTS.slice(0, 6).map(
  (part) => FULL.groupIndex[part]!,
);
const [NAMESPACE, OBJECT, ATTRIBUTE, TIMESCALE, EXTRA, EXTENSION] = ALF_PARTS.slice(6).map(
  (part) => FULL.groupIndex[part]!,
);

// One literal with every key in column order: every result has the same shape, and no record is
// filled key by key on the hot path.
function fullEntities(m: RegExpExecArray): Entities {
  return {
    lab: m[LAB] ?? null,
    subject: m[SUBJECT] ?? null,
    date: m[DATE] ?? null,
    number: m[NUMBER] ?? null,
    collection: m[COLLECTION] ?? null,
    revision: m[REVISION] ?? null,
    namespace: m[NAMESPACE] ?? null,
    object: m[OBJECT] ?? null,
    attribute: m[ATTRIBUTE] ?? null,
    timescale: m[TIMESCALE] ?? null,
    extra: m[EXTRA] ?? null,
    extension: m[EXTENSION] ?? null,
  };
}

// The grammar read piece by piece: the session folders, the folders after them, the file name.
// Each piece of a path FULL accepts is matched by its own regex the same way (no part but the
// collection spans a `/`, and it stops before `#` and the file name), so what these fill in is
// what ONE would have read had the rest been right.
function parseAfterSession(session: RegExpExecArray, rest: string): Parsed {
  const cut = rest.lastIndexOf("/");
  const entities = noEntities();
  fill(entities, session, SESSION);
  const folders = FOLDERS.re.exec(rest.slice(0, cut + 1));
  if (folders) fill(entities, folders, FOLDERS);
  const file = FILENAME.re.exec(rest.slice(cut + 1));
  if (file) fill(entities, file, FILENAME);
  const unparsed = folders ? (file ? "" : rest.slice(cut + 1)) : file ? rest.slice(0, cut) : rest;
  return { valid: false, entities, unparsed };
}

function parseWithoutSession(relPath: string): Parsed {
  const cut = relPath.lastIndexOf("/");
  const entities = noEntities();
  const file = FILENAME.re.exec(relPath.slice(cut + 1));
  if (!file) return { valid: false, entities, unparsed: relPath };
  fill(entities, file, FILENAME);
  return { valid: false, entities, unparsed: cut < 0 ? "" : relPath.slice(0, cut) };
}

// A literal rather than `emptyEntities`: a loop of keyed stores costs as much as the regexes.
function noEntities(): Entities {
  return {
    lab: null,
    subject: null,
    date: null,
    number: null,
    collection: null,
    revision: null,
    namespace: null,
    object: null,
    attribute: null,
    timescale: null,
    extra: null,
    extension: null,
  };
}

function fill(entities: Entities, match: RegExpExecArray, { groupIndex }: IndexedRegex): void {
  for (const part of ALF_PARTS) {
    const i = groupIndex[part];
    if (i !== undefined) entities[part] = match[i] ?? null;
  }
}

const REQUIRED: readonly AlfPart[] = ["subject", "date", "number", "object", "attribute", "extension"];

// Whole-value checks for the parts whose pattern stands alone; the namespace's lookbehind and the
// attribute's lookaheads need their neighbours, so those two are judged by re-parsing the path.
const STANDALONE_PART_RES = new Map<AlfPart, RegExp>(
  ALF_PARTS.filter((p) => p !== "namespace" && p !== "attribute").map((p) => [
    p,
    new RegExp(`^(?:${ALF_PART_PATTERNS[p]})$`, "u"),
  ]),
);

/**
 * The relative path of the entities: `lab/Subjects/` only when a lab is given; the file name
 * exactly as given (no ONE camel-casing, so parsed names come back unchanged). Throws
 * `LayoutError` naming the entity that is missing or cannot be written, or when the path would
 * read back as different entities (`attribute: "a_timestamps"` reads back as `a` + timescale).
 */
export function buildAlfPath(entities: Entities): string {
  const e = presentValues(entities);
  for (const part of REQUIRED) {
    if (e[part] === null) {
      throw new LayoutError(`alf build: missing "${part}" (an ALF path needs ${REQUIRED.join(", ")})`);
    }
  }
  // ONE's own checks first: their messages say what is wrong, not just that it is.
  const name = joinAlfName(e.object!, e.attribute!, e.extension!, {
    namespace: e.namespace,
    timescale: e.timescale,
    extra: e.extra,
  });
  for (const [part, re] of STANDALONE_PART_RES) {
    const value = e[part];
    if (value !== null && !re.test(value)) {
      throw new LayoutError(`alf build: ${part} "${value}" is not a valid ALF ${part}`);
    }
  }
  const path = [...sessionAndFolders(e), name].join("/");
  checkReadsBack(path, e);
  return path;
}

function presentValues(entities: Entities): Record<AlfPart, string | null> {
  const out = {} as Record<AlfPart, string | null>;
  for (const part of ALF_PARTS) out[part] = entities[part] || null; // "" is absent, as in ONE
  return out;
}

function sessionAndFolders(e: Record<AlfPart, string | null>): string[] {
  const folders = [
    e.lab === null ? null : `${e.lab}/Subjects`,
    e.subject,
    e.date,
    e.number,
    e.collection,
    e.revision === null ? null : `#${e.revision}#`,
  ];
  return folders.filter((f) => f !== null);
}

function checkReadsBack(path: string, wanted: Record<AlfPart, string | null>): void {
  const parsed = parseAlfPath(path);
  if (!parsed.valid) throw new LayoutError(`alf build: "${path}" is not a valid ALF path`);
  const differing = ALF_PARTS.filter((p) => parsed.entities[p] !== wanted[p]);
  if (differing.length === 0) return;
  const shown = (e: Record<string, string | null>) =>
    differing.map((p) => `${p} ${e[p] === null ? "absent" : `"${e[p]}"`}`).join(", ");
  throw new LayoutError(
    `alf build: "${path}" would read back as ${shown(parsed.entities)} instead of ${shown(wanted)}`,
  );
}
