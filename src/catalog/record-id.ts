// Decides which record a file belongs to, from trove.toml's [record] section.
//
//   const recordOf = recordIdFunction({ entities: ["lab?", "subject", "date", "number"] });
//   recordOf("mylab/Subjects/m1/2024-01-01/001/alf/x.y.npy", entities) // "mylab/m1/2024-01-01/001"
//   recordIdFunction({ id_pattern: "REC-\\d{6}-[A-Z]" })("MFF/REC-200319-A-RS.mff/x", {}) // "REC-200319-A"
//
// Entity ids join the values with "/"; an entity marked optional ("lab?") is left out when absent,
// a required one missing means the file belongs to no record (top-level files such as README).

import type { Entities } from "../layout/layout.ts";

export interface RecordSpec {
  entities?: string[];
  id_pattern?: string;
}

export type RecordIdFunction = (path: string, entities: Entities) => string | null;

export function recordIdFunction(spec: RecordSpec | undefined): RecordIdFunction {
  if (spec?.id_pattern !== undefined) {
    const pattern = new RegExp(spec.id_pattern, "u");
    return (path) => pattern.exec(path)?.[0] ?? null;
  }
  const parts = recordParts(spec);
  if (parts.length === 0) return () => null;
  return (_path, entities) => {
    const values: string[] = [];
    for (const { name, optional } of parts) {
      const v = entities[name];
      if (v === null || v === undefined || v === "") {
        if (optional) continue;
        return null;
      }
      values.push(v);
    }
    return values.join("/");
  };
}

/** The entity names a record id is made of (without the optional marker). */
export function recordEntities(spec: RecordSpec | undefined): string[] {
  return recordParts(spec).map((p) => p.name);
}

function recordParts(spec: RecordSpec | undefined): { name: string; optional: boolean }[] {
  return (spec?.entities ?? []).map((e) => ({ name: e.replace(/\?$/, ""), optional: e.endsWith("?") }));
}
