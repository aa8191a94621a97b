// Test-side access to the run's single-node Slurm (started by test/setup/slurm.ts): importing this
// module is what makes the setup start it. `slurm()` points this process's Slurm commands at it
// (SLURM_CONF) and fails clearly, never skips, when it could not start.
//
//   import { slurm, squeueOf } from "../../../test/support/slurm.ts";
//   beforeAll(() => slurm());                 // sbatch, squeue... now talk to the test cluster

import { spawnSync } from "node:child_process";
import { inject } from "vitest";

export interface SlurmInfo {
  /** Its slurm.conf (export SLURM_CONF=conf). */
  conf: string;
  /** Its folder (state, spool, log/, *.pid). */
  dir: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    slurm: SlurmInfo | { error: string };
  }
}

export function slurm(): SlurmInfo {
  const info = inject("slurm");
  if (!info) throw new Error("Slurm was not started: test/setup/slurm.ts is not in vitest.config.ts globalSetup, or TROVE_TEST_SERVERS excludes it");
  if ("error" in info) throw new Error(info.error);
  process.env.SLURM_CONF = info.conf;
  return info;
}

/** Runs a Slurm client command against the test cluster; its stdout. */
export function slurmCommand(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: "utf8", env: { ...process.env, SLURM_CONF: slurm().conf } });
  if (r.status !== 0) throw new Error(`${command} ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}
