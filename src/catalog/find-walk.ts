// The stat walk through GNU find: the same result as walk.ts's `walk`, at about the cost of
// `find -printf`, and in a child process, so the caller can do other work meanwhile.
//
//   const pending = startWalk("/data/ds", { ignore: ["**/*.tmp"] });
//   const db = await openDuckDB();               // runs while find lists and stats the tree
//   const { files, problems } = await pending;
//
// Why: Node spends most of a walk turning each lstat into a Stats object (at 100k files the
// fdir + lstatSync walk took 2-3x as long as `find -printf`, measured). find writes one record per
// entry to a temporary file (a pipe would stall find whenever this process is busy), parsed here.
// Anything unusual falls back to the JavaScript walk, which describes every problem exactly: no
// GNU find, find reporting errors (unreadable folders, files vanishing), names that are not valid
// UTF-8, or symlinks followed (trove.toml index.follow_symlinks). Symlinks that are not followed
// are few: they are statted here one by one, as the JavaScript walk does.

import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Problem } from "../layout/layout.ts";
import { comparePaths } from "../fsutil/paths.ts";
import { ALWAYS_IGNORED, type FileStat, ignoreMatcher, STAGING_PREFIX, statFile, walk, type WalkOptions, type WalkResult } from "./walk.ts";

/** TROVE_WALK=js forces the JavaScript walk (tests run both). */
const useFind = () => process.platform === "linux" && process.env.TROVE_WALK !== "js";

export function startWalk(root: string, options: WalkOptions = {}): Promise<WalkResult> {
  if (options.followSymlinks || !useFind()) return Promise.resolve().then(() => walk(root, options));
  const out = join(tmpdir(), `trove-walk.${process.pid}.${randomBytes(4).toString("hex")}`);
  const prune = ["(", "-type", "d", "(", ...[...ALWAYS_IGNORED].flatMap((n) => ["-name", n, "-o"]), "-name", `${STAGING_PREFIX}*`, ")", "-prune", ")"];
  const args = ["-H", root, "-mindepth", "1", ...prune, "-o", "-fprintf", out, "%y %s %T@ %C@ %i %P\\0"];
  return new Promise<Buffer | null>((resolve) => {
    const child = spawn("find", args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_ALL: "C" } });
    let errors = false;
    child.stderr.on("data", () => (errors = true));
    child.on("error", () => resolve(null)); // no find at all
    child.on("close", (code) => {
      try {
        resolve(code === 0 && !errors ? readFileSync(out) : null);
      } catch {
        resolve(null);
      }
    });
  })
    .finally(() => rmSync(out, { force: true }))
    .then((listing) => (listing && fromListing(root, listing, options)) || walk(root, options));
}

/** The walk's result from find's records, or null when they need the JavaScript walk's care. */
function fromListing(root: string, listing: Buffer, options: WalkOptions): WalkResult | null {
  const text = listing.toString("utf8");
  if (text.includes("\uFFFD")) return null;
  const prefix = root.endsWith("/") ? root : `${root}/`;
  const isIgnored = ignoreMatcher(options.ignore ?? []);
  const anyIgnore = (options.ignore ?? []).length > 0;
  const skip = new Set(options.skip ?? []);
  const files: FileStat[] = [];
  const problems: Problem[] = [];
  let pruned: string | null = null; // an ignored folder: find lists its contents right after it
  for (let start = 0, end = text.indexOf("\0"); end >= 0; start = end + 1, end = text.indexOf("\0", start)) {
    const type = text.charCodeAt(start);
    const s1 = text.indexOf(" ", start + 2);
    const s2 = text.indexOf(" ", s1 + 1);
    const s3 = text.indexOf(" ", s2 + 1);
    const s4 = text.indexOf(" ", s3 + 1);
    const path = text.slice(s4 + 1, end);
    if (pruned !== null) {
      if (path.startsWith(pruned)) continue;
      pruned = null;
    }
    if (type === 100 /* d */) {
      if (anyIgnore && isIgnored(path)) pruned = `${path}/`;
      continue;
    }
    if ((type !== 102 /* f */ && type !== 108) /* l */ || skip.has(path) || (anyIgnore && isIgnored(path))) continue;
    if (type === 108) {
      const stat = statFile(prefix + path, path, problems);
      if (stat) files.push(stat);
      continue;
    }
    files.push({
      path,
      size: Number(text.slice(start + 2, s1)),
      mtimeUs: microseconds(text, s1 + 1, s2),
      ctimeUs: microseconds(text, s2 + 1, s3),
      ino: Number(text.slice(s3 + 1, s4)),
    });
  }
  options.onProgress?.("list", files.length);
  files.sort(byPath);
  options.onProgress?.("stat", files.length, files.length);
  problems.sort((a, b) => comparePaths(a.path, b.path));
  return { files, problems };
}

const byPath = (a: FileStat, b: FileStat) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/**
 * find's `%T@` ("1700000000.1234567890") as walk.ts computes it from Node's Stats: Node makes
 * mtimeMs = sec * 1e3 + nsec / 1e6, rounded here to microseconds; the same arithmetic gives the
 * same number to the last bit.
 */
function microseconds(text: string, from: number, to: number): number {
  const dot = text.indexOf(".", from);
  if (dot < 0 || dot > to) return Math.round(Number(text.slice(from, to)) * 1e6);
  const sec = Number(text.slice(from, dot));
  const nsec = Number(text.slice(dot + 1, Math.min(dot + 10, to)).padEnd(9, "0"));
  const negative = text.charCodeAt(from) === 45; // "-0.5": sec is -0
  return Math.round((sec * 1e3 + (negative ? -nsec : nsec) / 1e6) * 1000);
}
