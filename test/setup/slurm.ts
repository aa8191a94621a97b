// vitest global setup: one throwaway single-node Slurm (munged + slurmctld + slurmd) for the whole
// run, started with scripts/ci/start-slurm.sh (~2 s) only when a selected test file imports
// test/support/slurm; free ports, a temp state folder, stopped by pid at the end (and by the
// watchdog if the runner dies). Tests get its slurm.conf with `slurm()` (test/support/slurm.ts).
//
//   npx vitest run src/run/executors/slurm.test.ts     # starts Slurm, stops it at the end
//   TROVE_TEST_SERVERS=none npx vitest run ...          # never start it (its tests fail)

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ciScript, freePort, selectedFilesUse, serverRunDir, serverUnavailable } from "./servers.ts";
import type { SlurmInfo } from "../support/slurm.ts";

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (!(await selectedFilesUse(project, "slurm"))) return undefined;
  const run = serverRunDir("slurm");
  const dir = join(run.dir, "slurm");
  const [ctld, slurmd] = [await freePort(), await freePort()];
  const started = Date.now();
  const r = spawnSync(ciScript("start-slurm.sh"), [dir, String(ctld), String(slurmd)], { encoding: "utf8", timeout: 120_000 });
  const conf = r.stdout?.trim().split("\n").pop() ?? "";
  if (r.status !== 0 || !conf.endsWith("slurm.conf")) {
    run.stop();
    project.provide("slurm", serverUnavailable(`Slurm could not start: ${(r.stderr || r.error?.message || "").trim().split("\n").slice(-3).join(" | ")}`));
    return undefined;
  }
  process.stderr.write(`Slurm ready (${conf}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const info: SlurmInfo = { conf, dir };
  project.provide("slurm", info);
  return () => {
    spawnSync(ciScript("stop-slurm.sh"), [dir], { stdio: "inherit" }); // its jobs first, then the daemons
    run.stop();
  };
}
