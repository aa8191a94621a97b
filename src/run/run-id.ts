// Names one `trove run` (or Thot run): sortable by start time, unique across hosts.
//
//   newRunId()   // "20261122T100719Z-3fa2c1"

import { randomBytes } from "node:crypto";

export function newRunId(): string {
  return `${new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}-${randomBytes(3).toString("hex")}`;
}
