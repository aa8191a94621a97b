// ONE's cache tables from trove's catalog: what `one.alf.cache.make_parquet_db` computes by walking
// a folder, taken instead from the catalog's ALF rows (so a rebuild costs a stat walk).
//
//   const tables = await oneTablesFromCatalog(ds, { ids: "uuid" });
//   tables.sessions[0] // { id: "…", lab: "mylab", subject: "mysub", date: "2021-02-28", number: 1, … }
//
// As ONE: a dataset is a file whose name is valid ALF inside a session folder; its rel_path is
// relative to the session (`collection/#revision#/name`); sessions are those holding a dataset;
// qc is NOT_SET and exists true; in UUID mode identical rel_paths in different sessions share a
// dataset id (unique as the pair eid, id), ONE's own quirk. Unlike ONE, UUIDs are name-based (v5
// under a fixed namespace): the same tree gives the same ids.

import type { Dataset } from "../../dataset/dataset.ts";
import { TroveError } from "../../errors.ts";
import { comparePaths as compare } from "../../fsutil/paths.ts";
import type { OneDataset, OneSession, OneTables } from "./tables.ts";
import { TROVE_ONE_NAMESPACE, uuid5 } from "./uuid.ts";

export interface OneBuildOptions {
  /** "path": ids are `lab/subject/date/number` and rel_paths (ONE's hash_ids=False); "uuid": name-based UUIDs. */
  ids: "path" | "uuid";
  /** A lab name for sessions whose path has none (ONE's `lab=`); a different lab in the path is an error. */
  lab?: string;
  /** Metadata origin (ONE writes the root folder). */
  origin: string;
}

export class OneBuildError extends TroveError {
  override name = "OneBuildError";
}

interface AlfRow {
  path: string;
  size: number;
  hash: string | null;
  lab: string | null;
  subject: string;
  date: string;
  number: string;
  collection: string | null;
  revision: string | null;
}

export async function oneTablesFromCatalog(ds: Dataset, options: OneBuildOptions): Promise<OneTables> {
  const rows = (await ds.query(
    `SELECT path, size, hash, lab, subject, date, number, collection, revision FROM files
     WHERE layout = 'alf' AND valid ORDER BY path`,
  )) as unknown as AlfRow[];
  const sessions = new Map<string, OneSession>();
  const datasets: OneDataset[] = [];
  for (const row of rows) {
    const lab = labOf(row, options.lab);
    const sessionId = [lab, row.subject, row.date, row.number].filter(Boolean).join("/");
    if (!sessions.has(sessionId)) {
      sessions.set(sessionId, {
        id: sessionId,
        lab: lab ?? "",
        subject: row.subject,
        date: row.date,
        number: Number(row.number),
        task_protocol: "",
        projects: "",
      });
    }
    const relPath = row.path.slice(sessionFolder(row).length + 1);
    datasets.push({ eid: sessionId, id: relPath, rel_path: relPath, file_size: row.size, hash: row.hash ?? "", exists: true, qc: "NOT_SET" });
  }
  if (options.ids === "uuid") assignUuids(sessions, datasets);
  const sessionRows = [...sessions.values()].sort((a, b) => compare(a.id, b.id));
  datasets.sort((a, b) => compare(a.eid, b.eid) || compare(a.id, b.id));
  return { sessions: sessionRows, datasets, metadata: { date_created: oneTimestamp(new Date()), origin: options.origin } };
}

/** The session folder of an ALF row, relative to the dataset root. */
function sessionFolder(row: AlfRow): string {
  return [row.lab && `${row.lab}/Subjects`, row.subject, row.date, row.number].filter(Boolean).join("/");
}

function labOf(row: AlfRow, lab: string | undefined): string | null {
  if (lab === undefined) return row.lab;
  if (row.lab && row.lab !== lab) {
    throw new OneBuildError(`--lab ${lab} conflicts with the lab folder of ${row.path} (ONE's "lab name conflict")`);
  }
  return lab;
}

function assignUuids(sessions: Map<string, OneSession>, datasets: OneDataset[]): void {
  const eids = new Map<string, string>();
  for (const s of sessions.values()) {
    const eid = uuid5(TROVE_ONE_NAMESPACE, `session:${s.id}`);
    eids.set(s.id, eid);
    s.id = eid;
  }
  const ids = new Map<string, string>(); // the same few names recur in every session
  for (const d of datasets) {
    d.eid = eids.get(d.eid)!;
    let id = ids.get(d.rel_path);
    if (id === undefined) ids.set(d.rel_path, (id = uuid5(TROVE_ONE_NAMESPACE, `dataset:${d.rel_path}`)));
    d.id = id;
  }
}

/** ONE's `date_created`: local time, to the minute, "YYYY-MM-DD HH:MM". */
export function oneTimestamp(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
