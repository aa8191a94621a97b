// Guesses which layout a folder follows, for `trove init` without --layout, and says why.
//
//   await detectLayout("/data/ibl") // { layout: "alf", reason: "found session folders such as ..." }
//
// Looks at a bounded sample of the tree (never the whole of a million-file dataset).

import { existsSync } from "node:fs";
import { join } from "node:path";
import { fdir } from "fdir";
import type { LayoutType } from "../config/schema.ts";

export interface Detection {
  layout: LayoutType | null;
  reason: string;
}

const ALF_SESSION = /(?:^|\/)(?:([\w-]+)\/Subjects\/)?([\w.-]+)\/(\d{4}-\d{2}-\d{2})\/(\d{1,3})(?:\/|$)/u;

export function detectLayout(root: string): Detection {
  if (existsSync(join(root, "dataset_description.json"))) {
    return { layout: "bids", reason: "dataset_description.json at the top (a BIDS dataset)" };
  }
  const dirs = new fdir().withRelativePaths().onlyDirs().withMaxDepth(6).withMaxFiles(20_000).crawl(root).sync() as string[];
  const session = dirs.find((d) => ALF_SESSION.test(d));
  if (session) {
    return { layout: "alf", reason: `ALF session folders such as ${session.replace(/\/$/, "")} (subject/date/number)` };
  }
  const subjects = dirs.filter((d) => /^sub-[A-Za-z0-9]+\/?$/.test(d));
  if (subjects.length > 0) {
    return { layout: "bids", reason: `folders such as ${subjects[0].replace(/\/$/, "")} (BIDS sub-<label>)` };
  }
  for (const [app, what] of [[".syre", "a Syre project"], [".thot", "a Thot 0.10 project"]]) {
    if (existsSync(join(root, app, "project.json"))) return { layout: "containers", reason: `${app}/project.json at the top (${what})` };
  }
  if (existsSync(join(root, "_container.json"))) {
    return { layout: "containers", reason: "_container.json at the top (a Thot-style project)" };
  }
  return { layout: null, reason: "no ALF session folders, no dataset_description.json or sub-* folders, no _container.json" };
}
