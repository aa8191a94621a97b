// The rows of ONE's two cache tables, as trove holds them in memory. ONE (IBL's Open Neurophysiology
// Environment) keeps `sessions.pqt` and `datasets.pqt`; see build.ts (write), read.ts (read any
// version) and search.ts / list.ts (ONE's query semantics).
//
//   const s: OneSession = { id: "mylab/mysub/2021-02-28/001", lab: "mylab", subject: "mysub",
//     date: "2021-02-28", number: 1, task_protocol: "", projects: "" };

import type { QcLevel } from "../../layout/alf-qc.ts";

export interface OneSession {
  /** `lab/subject/date/number` (lab left out when absent) or a UUID string. */
  id: string;
  lab: string;
  subject: string;
  /** ISO date, YYYY-MM-DD. */
  date: string;
  number: number;
  task_protocol: string;
  projects: string;
}

export interface OneDataset {
  /** The session's id. */
  eid: string;
  /** The dataset's id: its rel_path, or a UUID string. */
  id: string;
  /** Relative to the session folder: `collection/#revision#/name`. */
  rel_path: string;
  file_size: number | null;
  /** md5 hex, or "" when not hashed. */
  hash: string;
  exists: boolean;
  qc: QcLevel;
  /** Alyx caches only: whether this is the default revision of the dataset. */
  default_revision?: boolean | null;
}

export interface OneTables {
  sessions: OneSession[];
  datasets: OneDataset[];
  /** The `one_metadata` of the tables (date_created, origin, ...), as read. */
  metadata: Record<string, unknown>;
}
