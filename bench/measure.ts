// Measuring helpers shared by the benchmarks (bench/index-bench.ts, bench/one-bench.ts): whole-process
// runs with wall time and peak RSS, interleaved floor/trove rounds, medians, the results table with
// PASS/MISS verdicts, a snapshot of bin/ and dist/, the results file.
//
//   const env = startBench("indexing");            // snapshots bin/ + dist/, prints the machine
//   const cold = rounds(3, () => floorFind(root), () => trove("index", root));
//   row({ tree, what, trove: s(cold.seconds), floor: s(median(cold.floor)), ... });
//   writeResults(join(REPO, "bench/out/results.md"), "trove indexing benchmark", env, notes);

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeAlfTree, writeBidsTree } from "./trees.ts";

export const REPO = fileURLToPath(new URL("..", import.meta.url));
/** Where the trees go: TROVE_BENCH_DIR, default bench/out/. */
export const OUT = resolve(process.env.TROVE_BENCH_DIR ?? join(REPO, "bench/out"));
const RSS_FILE = join(tmpdir(), `trove-bench-rss.${process.pid}`);
process.once("exit", () => rmSync(RSS_FILE, { force: true }));

export interface Row { tree: string; what: string; trove: string; floor: string; ratio: string; goal: string; result: string }
export const rows: Row[] = [];

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const s = (x: number) => `${x.toFixed(3)} s`;
export const x2 = (r: number) => `${r.toFixed(2)}x`;
export const verdict = (ok: boolean) => (ok ? "PASS" : "MISS");
/** A path quoted for bash. */
export const q = (p: string) => `'${p.replace(/'/g, "'\\''")}'`;

/** Peak RSS of a set of runs (from rounds()): the highest, and the range when the runs differ. */
export function rssFig(r: { rssMB: number; rssMinMB: number }): string {
  const [lo, hi] = [r.rssMinMB.toFixed(0), r.rssMB.toFixed(0)];
  return `${hi} MB${lo === hi ? "" : ` (runs ${lo}–${hi})`}`;
}

/** Adds a row to the results table and prints it. */
export function row(r: Row): void {
  rows.push(r);
  const fig = [r.trove, r.floor !== "—" ? `floor ${r.floor}` : "", r.ratio !== "—" ? r.ratio : ""].filter(Boolean).join("  ");
  console.log(`  ${r.what.padEnd(38)} ${fig.padEnd(40)} ${r.goal === "—" ? "" : `goal ${r.goal}  ${r.result}`}`);
}

/** An informational row: no floor, ratio, goal or verdict unless given. */
export const info = (tree: string, what: string, trove: string, more: Partial<Row> = {}) =>
  row({ tree, what, trove, floor: "—", ratio: "—", goal: "(info)", result: "—", ...more });

export function table(): string {
  const head = "| tree | measurement | trove | floor | ratio | goal | result |\n|---|---|---:|---:|---:|---|---|";
  return [head, ...rows.map((r) => `| ${r.tree} | ${r.what} | ${r.trove} | ${r.floor} | ${r.ratio} | ${r.goal} | ${r.result} |`)].join("\n");
}

export interface Run { seconds: number; rssKB: number | null }

/** Runs one process to completion, stdout to /dev/null; its wall time (and peak RSS with `rss`). */
export function run(cmd: string, args: string[], opts: { rss?: boolean; okCodes?: number[] } = {}): Run {
  const [file, argv] = opts.rss ? ["/usr/bin/time", ["-f", "%M", "-o", RSS_FILE, cmd, ...args]] : [cmd, args];
  const t0 = performance.now();
  const p = spawnSync(file, argv, { stdio: ["ignore", "ignore", "pipe"], maxBuffer: 64 << 20 });
  const seconds = (performance.now() - t0) / 1000;
  if (p.error) throw p.error;
  if (!(opts.okCodes ?? [0]).includes(p.status ?? -1)) {
    throw new Error(`${cmd} ${args.join(" ")} exited ${p.status ?? p.signal}: ${p.stderr.toString().trim().slice(-800)}`);
  }
  const rssKB = opts.rss ? Number(readFileSync(RSS_FILE, "utf8").trim().split("\n").pop()) : null;
  return { seconds, rssKB };
}

export const sh = (script: string) => run("bash", ["-c", script]);

let troveJs = "";
/** `node bin/trove.js ...` from the snapshot taken by startBench, under /usr/bin/time. */
export const trove = (...args: string[]) => run(process.execPath, [troveJs, ...args], { rss: true });

export function repeat(n: number, f: () => Run): { seconds: number; rssKB: number } {
  const runs = Array.from({ length: n }, f);
  return { seconds: median(runs.map((r) => r.seconds)), rssKB: Math.max(...runs.map((r) => r.rssKB ?? 0)) };
}

/** `n` rounds of [floor, trove]: the machine is shared, so both see the same load. Medians of each. */
export function rounds(n: number, floor: () => Run, measured: () => Run) {
  const f: number[] = [];
  const m: Run[] = [];
  for (let i = 0; i < n; i++) {
    f.push(floor().seconds);
    m.push(measured());
  }
  const rss = m.map((r) => (r.rssKB ?? 0) / 1024);
  return { floor: f, seconds: median(m.map((r) => r.seconds)), rssMB: Math.max(...rss), rssMinMB: Math.min(...rss) };
}

/** The stat-walk floor: what any index of the tree has to do at least. */
export const floorFind = (root: string) => run("find", [root, "-type", "f", "-printf", "%s %T@ %p\n"]);
/** The hashing floor: `find | xargs -P2 <tool>` (sha256sum, md5sum). */
export const floorHash = (root: string, tool: string) => sh(`find ${q(root)} -type f -print0 | xargs -0 -P2 -n2000 ${tool} > /dev/null`);

/** Reads every directory of the tree once, so that the first measured run is not the one that pays for it. */
export const warmCache = (root: string) => sh(`find ${q(root)} -type f > /dev/null`);

/** A generated tree under OUT/trees/ (reused when already there), with its size as written. */
export function prepareTree(name: string, kind: "alf" | "bids", files: number, prefix = "") {
  const root = join(OUT, "trees", prefix + name.toLowerCase().replace(/\s+/g, "-"));
  const t0 = performance.now();
  const made = (kind === "alf" ? writeAlfTree : writeBidsTree)(root, files);
  const took = (performance.now() - t0) / 1000;
  const stats = JSON.parse(readFileSync(`${root}.complete`, "utf8").split("\n")[1]) as { files: number; bytes: number };
  console.log(`\n${name}: ${stats.files} files, ${(stats.bytes / 1e6).toFixed(1)} MB, ` +
    `${made.reused ? "reused" : `generated in ${took.toFixed(1)} s`} (${root})`);
  return { root, ...stats };
}

export interface BenchEnv { started: Date; load0: string; bundle: string; head: string }

/**
 * Copies bin/trove.js and dist/ (trove.mjs and its chunks) to bench/out/<snapshot>/ (the checkout is shared and dist/
 * may be rebuilt mid-run; same relative layout, node_modules found from bench/out/ upwards), which
 * every trove() run then uses, and prints what is measured on what.
 */
export function startBench(name: string, snapshot = "snapshot"): BenchEnv {
  mkdirSync(OUT, { recursive: true });
  const started = new Date();
  const load0 = loadavg()[0].toFixed(2);
  const dir = join(REPO, "bench/out", snapshot);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "bin"), { recursive: true });
  copyFileSync(join(REPO, "bin/trove.js"), join(dir, "bin/trove.js"));
  // the bundle and the chunks it imports (dist/chunks/), without source maps
  cpSync(join(REPO, "dist"), join(dir, "dist"), { recursive: true, filter: (src) => !src.endsWith(".map") });
  troveJs = join(dir, "bin/trove.js");
  const bundle = createHash("sha256").update(readFileSync(join(dir, "dist/trove.mjs"))).digest("hex").slice(0, 12);
  const git = spawnSync("git", ["-C", REPO, "describe", "--always", "--dirty"], { encoding: "utf8" });
  const head = git.status === 0 ? git.stdout.trim() : "unknown";
  console.log(`trove ${name} benchmark: trove ${head} (bundle ${bundle}), ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}, node ${process.version}, trees in ${OUT}`);
  return { started, load0, bundle, head };
}

/** Rows for process startup: bare node, and trove --version. */
export function startupRows(): void {
  info("—", "process startup: `node -e 0`", s(repeat(5, () => run(process.execPath, ["-e", "0"])).seconds));
  info("—", "process startup: `trove --version`", s(repeat(5, () => run(process.execPath, [troveJs, "--version"])).seconds));
}

/** Writes the markdown summary (title, run line, `notes`, load, table, misses) to `file` and prints it. */
export function writeResults(file: string, title: string, env: BenchEnv, notes: string[]): void {
  const misses = rows.filter((r) => r.result === "MISS").length;
  const md = [
    `# ${title}`,
    ``,
    `${env.started.toISOString()}, trove ${env.head} (dist/trove.mjs sha256 ${env.bundle}…), node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? "cpu"}.`,
    ...notes,
    `Load average (1 min) at start ${env.load0}, at end ${loadavg()[0].toFixed(2)}.`,
    ``,
    table(),
    ``,
    `${misses === 0 ? "Every goal met." : `${misses} goal(s) missed.`}`,
    ``,
  ].join("\n");
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, md);
  console.log(`\n${md}\nwritten to ${file}`);
}
