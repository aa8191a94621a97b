// The `trove one build` benchmark: building IBL ONE cache tables (sessions.pqt, datasets.pqt) for
// generated ALF trees of 10k and 100k datasets, against ONE 3.4.2's own `make_parquet_db` and the
// floors (find, md5sum) measured in the same run, with the goals, PASS or MISS.
//
//   npm run bench:one                              # builds dist/, then ALF trees of 10k and 100k files
//   TROVE_BENCH_DIR=/scratch npm run bench:one     # where the trees go (default bench/out/)
//
// ONE cannot run here (no pyarrow): its row is the published figures, measured on a machine
// of this kind (2 cores). Every trove figure is a whole `node bin/trove.js one build ...` process
// (startup included; bin/ and dist/ copied to bench/out/snapshot-one/ first), under /usr/bin/time
// for peak RSS. The trees (bench/out/trees/one-alf-*) are separate from bench:index's, as the
// tables are written into the tree root, and have no trove.toml. The rebuild rounds change files;
// they are put back (bytes and mtimes) afterwards. Writes bench/out/one-results.md.

import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "../src/demo/random.ts";
import {
  floorFind, floorHash, info, median, prepareTree, REPO, row, rounds, rssFig, s, startBench, startupRows, trove, verdict,
  warmCache, writeResults, x2,
} from "./measure.ts";

const RESULTS = join(REPO, "bench/out/one-results.md");

// ONE 3.4.2 `make_parquet_db` with the real pyarrow writer, 2 cores (figures of the issue).
const ONE_10K_S = 3.3;
const ONE_100K_S: [number, number] = [24, 27];
const ONE_FIND_100K_S = 0.36; // its `find -printf` floor on that machine
const ONE_HASH_S_PER_FILE = 0.195; // hash_files=True (iblutil reads each file with a 256 MiB buffer)

// Goals of the issue.
const SPEEDUP_MIN = 15; // cold, no hash, at 100k: >= 15x faster than ONE ...
const COLD_MAX_S = ONE_100K_S[0] / SPEEDUP_MIN; // ... i.e. <= 1.6 s end to end
const MD5_MIN = 0.8; // md5 throughput (files/s) >= 0.8x `xargs -P2 md5sum`
const REBUILD_MAX = 2; // rebuild after 10 changed files <= 2x find
const CHANGED = 10;
const REBUILD_ROUNDS = 5;

const OUTPUTS = [".trove", "sessions.pqt", "datasets.pqt", "cache_info.json"];
const clean = (root: string) => OUTPUTS.forEach((f) => rmSync(join(root, f), { recursive: true, force: true }));
const build = (root: string, ...extra: string[]) => trove("one", "build", root, ...extra);
const coldBuild = (root: string, ...extra: string[]) => {
  clean(root);
  return build(root, ...extra);
};
const perS = (n: number) => `${Math.round(n).toLocaleString("en")} files/s`;

/** Rewrites datasets of the tree (new bytes, mtime now), remembering how to put them back. */
class Changes {
  private saved = new Map<string, { data: Buffer; atime: Date; mtime: Date }>();
  private rng = mulberry32(7);
  private files: string[];

  constructor(readonly root: string) {
    const p = spawnSync("find", [root, "-path", "*/Subjects/*", "-type", "f", "-printf", "%P\n"], { encoding: "utf8", maxBuffer: 256 << 20 });
    if (p.status !== 0) throw new Error(`find ${root}: ${p.stderr}`);
    this.files = p.stdout.split("\n").filter(Boolean);
  }

  /** Changes `n` datasets not changed before: each gets a line appended. */
  change(n: number, round: number): void {
    for (let done = 0; done < n; ) {
      const rel = this.files[Math.floor(this.rng() * this.files.length)];
      if (this.saved.has(rel)) continue;
      const abs = join(this.root, rel);
      const st = statSync(abs);
      const data = readFileSync(abs);
      this.saved.set(rel, { data, atime: st.atime, mtime: st.mtime });
      writeFileSync(abs, Buffer.concat([data, Buffer.from(`\nchanged in round ${round}\n`)]));
      done++;
    }
  }

  /** Every changed file back as generated (same bytes, same mtime): the tree stays a pure function of its seed. */
  restore(): void {
    for (const [rel, { data, atime, mtime }] of this.saved) {
      writeFileSync(join(this.root, rel), data);
      utimesSync(join(this.root, rel), atime, mtime);
    }
    this.saved.clear();
  }
}

function benchTree(name: string, files: number): void {
  const { root, files: n } = prepareTree(name, "alf", files, "one-");
  const at100k = files >= 100_000;
  clean(root);
  warmCache(root);

  // Cold builds, then no-change rebuilds, then rebuilds after 10 changed datasets (each round its own 10).
  const cold = rounds(3, () => floorFind(root), () => coldBuild(root));
  const again = rounds(5, () => floorFind(root), () => build(root));
  const changes = new Changes(root);
  let changed: ReturnType<typeof rounds>;
  let round = 0;
  try {
    changed = rounds(REBUILD_ROUNDS, () => floorFind(root), () => {
      changes.change(CHANGED, ++round);
      return build(root);
    });
  } finally {
    changes.restore();
  }
  const findS = median([...cold.floor, ...again.floor, ...changed.floor]);

  const one = at100k ? ONE_100K_S : [ONE_10K_S, ONE_10K_S];
  const oneFig = one[0] === one[1] ? `${one[0]} s` : `${one[0]}–${one[1]} s`;
  info(name, "ONE 3.4.2 `make_parquet_db` (published, not run here)", oneFig, at100k
    ? { floor: `${s(ONE_FIND_100K_S)} (theirs)`, ratio: `${(ONE_100K_S[0] / ONE_FIND_100K_S).toFixed(0)}–${(ONE_100K_S[1] / ONE_FIND_100K_S).toFixed(0)}x`, goal: "(reference)" }
    : { goal: "(reference)" });
  const vsOne = one[0] === one[1] ? x2(one[0] / cold.seconds) : `${x2(one[0] / cold.seconds)}–${x2(one[1] / cold.seconds)}`;
  row({ tree: name, what: "cold `trove one build` (no hash)", trove: s(cold.seconds), floor: s(findS),
    ratio: `${x2(cold.seconds / findS)} floor; ONE ÷ trove ${vsOne}`,
    goal: at100k ? `≤ ${COLD_MAX_S.toFixed(1)} s (≥ ${SPEEDUP_MIN}x ONE)` : "(info)",
    result: at100k ? verdict(cold.seconds <= COLD_MAX_S) : "—" });
  info(name, "peak RSS of cold `trove one build`", rssFig(cold));
  info(name, "no-change rebuild", s(again.seconds), { floor: s(findS), ratio: x2(again.seconds / findS) });
  row({ tree: name, what: `rebuild after ${CHANGED} changed datasets`, trove: s(changed.seconds), floor: s(findS),
    ratio: x2(changed.seconds / findS), goal: at100k ? `≤ ${REBUILD_MAX}x` : "(info)",
    result: at100k ? verdict(changed.seconds / findS <= REBUILD_MAX) : "—" });
  if (at100k) return;

  // md5: rounds of [md5sum floor on the bare tree, cold build, cold build --hash]; the md5-only cost
  // is the median of each round's difference (the same cold build, with and without hashes).
  clean(root);
  floorHash(root, "md5sum"); // reads every byte once, so the medians compare warm with warm
  const md5: number[] = [];
  const plain: number[] = [];
  const hashed: number[] = [];
  for (let i = 0; i < 3; i++) {
    clean(root);
    md5.push(floorHash(root, "md5sum").seconds);
    plain.push(coldBuild(root).seconds);
    hashed.push(coldBuild(root, "--hash").seconds);
  }
  const md5S = median(md5);
  const hashOnly = median(hashed.map((h, i) => h - plain[i]));
  info(name, "ONE `hash_files=True` (published, not run here)", `${((ONE_HASH_S_PER_FILE * n) / 60).toFixed(1)} min (${(1 / ONE_HASH_S_PER_FILE).toFixed(1)} files/s)`,
    { goal: "(reference)" });
  info(name, "cold `trove one build --hash` (whole run)", s(median(hashed)), { floor: s(md5S), ratio: x2(median(hashed) / md5S) });
  if (hashOnly <= 0.01 * median(hashed)) {
    row({ tree: name, what: "md5 only (--hash run − cold build)", trove: "too noisy", floor: s(md5S), ratio: "—",
      goal: `files/s ≥ ${MD5_MIN}x`, result: "n/a" });
    return;
  }
  row({ tree: name, what: "md5 only (--hash run − cold build)", trove: `${s(hashOnly)} (${perS(n / hashOnly)})`,
    floor: `${s(md5S)} (${perS(n / md5S)})`, ratio: `${x2(md5S / hashOnly)} throughput; ${(ONE_HASH_S_PER_FILE * n / hashOnly).toFixed(0)}x ONE`,
    goal: `files/s ≥ ${MD5_MIN}x`, result: verdict(md5S / hashOnly >= MD5_MIN) });
}

async function main(): Promise<void> {
  const env = startBench("one build", "snapshot-one");
  startupRows();
  for (const [name, files] of [["ALF 10k", 10_000], ["ALF 100k", 100_000]] as const) {
    try {
      benchTree(name, files);
    } catch (e) {
      row({ tree: name, what: "error", trove: (e as Error).message.split("\n")[0].slice(0, 200), floor: "—", ratio: "—", goal: "runs", result: "MISS" });
    }
  }
  writeResults(RESULTS, "trove one build benchmark", env, [
    `ONE rows: ONE 3.4.2's \`make_parquet_db\` (real pyarrow writer) as published in the issue, measured on a 2-core`,
    `machine of this kind; ONE cannot run here (no pyarrow). Everything else is measured in this run, floors interleaved`,
    `with trove's runs (the machine is shared): \`find ROOT -type f -printf '%s %T@ %p\\n'\` (median of all its runs, 13`,
    `per tree) and \`find ROOT -type f -print0 | xargs -0 -P2 -n2000 md5sum\` (median of 3, on the tree without tables).`,
    `Trove: whole \`trove one build ROOT\` processes (UUID ids, startup included). Cold = ROOT/.trove, sessions.pqt,`,
    `datasets.pqt and cache_info.json deleted first (median of 3). No-change rebuild: median of 5. Rebuild after`,
    `${CHANGED} changed datasets: median of ${REBUILD_ROUNDS} rounds, each appending a line to ${CHANGED} other dataset files first`,
    `(put back afterwards). md5 only = median over rounds of (cold \`--hash\` build − cold build), as files/s against`,
    `md5sum's. Goals are judged at 100k files (speed, rebuild) and at 10k (md5, the size the issue hashes); the other`,
    `10k rows are for reference (startup weighs more). Speed-up over ONE = ONE's published time ÷ trove's.`,
  ]);
}

await main();
