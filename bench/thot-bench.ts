// The Thot benchmark: a generated Thot 0.x project of 10,000 containers on 5 levels and 50,000
// assets, one trivial Python script per leaf container (8,889 of them), against floors measured in
// the same run, with the issue's goals, PASS or MISS:
//
//   npm run bench:thot                     # builds dist/, then the 10k-container project (a few minutes)
//   BENCH_THOT_SIZE=1000,5000 npm run bench:thot   # containers,assets: a smaller project, to check the bench itself
//   TROVE_BENCH_DIR=/scratch npm run bench:thot    # where the tree goes (default bench/out/)
//
// - load + catalog: a cold `trove index` of the project (reads every object file, writes the files
//   and containers tables) vs `find -printf` over the same tree: goal <= 3x;
// - full run: `trove thot run -j 2` with every script out of date vs the same number of
//   `python3 scripts/leaf.py` calls through `xargs -P2`: goal <= 1.5x;
// - no-op rerun: `trove thot run -j 2` again, everything up to date: goal <= 1 s.
// Every trove figure is a whole `node bin/trove.js ...` process. Writes bench/out/thot-results.md.

import { spawnSync } from "node:child_process";
import { renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { floorFind, info, OUT, q, REPO, row, rounds, s, sh, startBench, startupRows, trove, verdict, warmCache, writeResults, x2 } from "./measure.ts";
import { writeThotTree } from "./thot-tree.ts";

const RESULTS = join(REPO, "bench/out/thot-results.md");
const [CONTAINERS, ASSETS] = (process.env.BENCH_THOT_SIZE ?? "10000,50000").split(",").map(Number);

// Goals of the issue.
const LOAD_MAX = 3;
const RUN_MAX = 1.5;
const NOOP_MAX_S = 1;

const env = startBench("thot");
startupRows();
const t0 = performance.now();
const tree = writeThotTree(join(OUT, "trees", `thot-${CONTAINERS}`), { containers: CONTAINERS, assets: ASSETS });
const name = `thot ${CONTAINERS / 1000}k`;
console.log(`\n${name}: ${tree.containers} containers, ${tree.assets} assets, ${tree.leaves} leaf scripts, ${tree.files} files, ${tree.reused ? "reused" : `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`} (${tree.root})`);
warmCache(tree.root);

/** Moves trove's folder out of the way (renamed, then removed unmeasured), so the next run starts cold. */
function coldStart(): void {
  const trash = join(OUT, `trash-thot-${process.pid}`);
  rmSync(trash, { recursive: true, force: true });
  try {
    renameSync(join(tree.root, ".trove"), trash);
  } catch {
    // not there yet
  }
  rmSync(trash, { recursive: true, force: true });
}

const load = rounds(3, () => floorFind(tree.root), () => {
  coldStart();
  return trove("index", tree.root);
});
const findS = load.floor.sort((a, b) => a - b)[1];
const loadRatio = load.seconds / findS;
row({ tree: name, what: "load + catalog: cold `trove index`", trove: s(load.seconds), floor: s(findS), ratio: x2(loadRatio), goal: `≤ ${LOAD_MAX}x`, result: verdict(loadRatio <= LOAD_MAX) });

// python3 on PATH may be a version manager's shim (a bash script costing far more than Python
// itself): both sides use the interpreter it stands for, trove through TROVE_PYTHON
const python = spawnSync("python3", ["-c", "import sys; print(sys.executable)"], { encoding: "utf8" }).stdout.trim();
process.env.TROVE_PYTHON = python;
const script = join(tree.root, "scripts/leaf.py");
const floorRun = sh(`seq ${tree.leaves} | xargs -P2 -n1 ${q(python)} ${q(script)}`).seconds;
rmSync(join(tree.root, ".trove", "runs"), { recursive: true, force: true });
const full = trove("thot", "run", "-d", tree.root, "-j", "2");
const runRatio = full.seconds / floorRun;
info(name, `floor: ${tree.leaves} × \`${python} leaf.py\` via \`xargs -P2 -n1\``, s(floorRun));
row({ tree: name, what: "full run `trove thot run -j 2`", trove: s(full.seconds), floor: s(floorRun), ratio: x2(runRatio), goal: `≤ ${RUN_MAX}x`, result: verdict(runRatio <= RUN_MAX) });

const noop = rounds(3, () => ({ seconds: 0, rssKB: null }), () => trove("thot", "run", "-d", tree.root, "-j", "2"));
row({ tree: name, what: "no-op rerun `trove thot run -j 2`", trove: s(noop.seconds), floor: "—", ratio: "—", goal: `≤ ${NOOP_MAX_S} s`, result: verdict(noop.seconds <= NOOP_MAX_S) });

writeResults(RESULTS, "trove thot benchmark", env, [
  `Project: Thot 0.x, ${tree.containers} containers on 5 levels, ${tree.assets} assets (folder + _asset.json + data file each), one script per leaf (${tree.leaves}).`,
  "Load: median of 3 cold `trove index` runs (the .trove folder removed before each) against the middle of 3 `find -printf` runs, interleaved.",
]);
