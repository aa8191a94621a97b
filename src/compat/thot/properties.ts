// Reading the properties every Thot resource shares (name, type, description, tags, metadata), and
// resolving paths written in project files, for every generation alike.
//
//   readProperties({ type: "sample", metadata: { angle: 30 } }, "deg30", complain)
//   // { name: "deg30", type: "sample", description: null, tags: [], own_metadata: { angle: 30 } }
//   resolveProjectPath("root:/scripts/prep.py", "deg20")   // { path: "scripts/prep.py" }
//   resolveProjectPath("../../x", "deg20")                 // { error: '"../../x" points outside the project' }

import { posix } from "node:path";
import { type JsonObject, describeJson, isPlainObject } from "./errors.ts";
import type { Note, ScriptAssociation } from "./model.ts";

/** An object as read from disk, before inheritance (project.ts links and completes it). */
export interface RawObject {
  kind: "container" | "asset";
  /** Folder relative to the root; for 0.10/Syre assets, the data file. */
  path: string;
  /** The containing container's path; null at the top. */
  parent: string | null;
  rid: string | null;
  name: string;
  type: string | null;
  description: string | null;
  tags: string[];
  own_metadata: Record<string, unknown>;
  creator: string | null;
  creator_type: "user" | "script" | null;
  created: string | null;
  notes: Note[];
  scripts: ScriptAssociation[];
  /** Assets: the data file relative to the root. */
  file: string | null;
}

type Complain = (message: string) => void;

/** `type` is read from `type` (0.x) or `kind` (0.10/Syre); "" means unset, as Thot writes it. */
export function readProperties(json: JsonObject, defaultName: string, complain: Complain) {
  const text = (key: string): string | null => {
    const v = json[key];
    if (v === undefined || v === null || v === "") return null;
    if (typeof v === "string") return v;
    complain(`key "${key}": expected a string, got ${describeJson(v)}`);
    return null;
  };
  const tags = json.tags ?? [];
  let tagList: string[] = [];
  if (Array.isArray(tags)) {
    tagList = tags.filter((t): t is string => typeof t === "string");
    if (tagList.length !== tags.length) complain(`key "tags": non-string tags dropped`);
  } else complain(`key "tags": expected a list of strings, got ${describeJson(tags)}`);
  const metadata = json.metadata ?? {};
  if (!isPlainObject(metadata)) complain(`key "metadata": expected an object, got ${describeJson(metadata)}`);
  return {
    name: text("name") ?? defaultName,
    type: text("type") ?? text("kind"),
    description: text("description"),
    tags: tagList,
    own_metadata: isPlainObject(metadata) ? metadata : {},
  };
}

/**
 * A path written in a project file, relative to the project root. `root:` / `ROOT:` (with or
 * without a slash after it) is the project root; anything else is relative to `base`. A path that
 * leaves the project, or an absolute one, is an error: trove reads projects, never the disk around them.
 */
export function resolveProjectPath(written: string, base: string): { path: string } | { error: string } {
  const rooted = /^root:/i.exec(written);
  const rest = rooted ? written.slice(rooted[0].length).replace(/^[/\\]+/, "") : written;
  if (!rooted && (posix.isAbsolute(rest) || /^[A-Za-z]:[\\/]/.test(rest))) {
    return { error: `"${written}" is absolute; write it relative to its folder or as root:/...` };
  }
  const path = posix.normalize(posix.join(rooted ? "." : base || ".", rest.replaceAll("\\", "/") || "."));
  if (path === ".." || path.startsWith("../")) return { error: `"${written}" points outside the project` };
  return { path: path === "." ? "" : path.replace(/\/$/, "") };
}

export function blankObject(kind: "container" | "asset", path: string, parent: string | null): RawObject {
  return {
    kind,
    path,
    parent,
    rid: null,
    name: posix.basename(path),
    type: null,
    description: null,
    tags: [],
    own_metadata: {},
    creator: null,
    creator_type: null,
    created: null,
    notes: [],
    scripts: [],
    file: null,
  };
}
