// `trove run --executor slurm` as a user runs it: the built CLI submits job arrays to a real
// single-node Slurm (started by the test setup), each element runs its packed tasks through the
// CLI's hidden slurm-element command, and the runs table says what a local run would.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTrove, stepDataset } from "./helpers.ts";
import { slurm } from "./support/slurm.ts";


describe("trove run --executor slurm", () => {
  it("runs packed tasks as a job array and records them like a local run", () => {
    const { conf } = slurm();
    const root = stepDataset(6, "cp {in.raw} {out.out}");
    const env = { ...process.env, SLURM_CONF: conf, CI: "true" };
    const r = runTrove(["run", "-d", root, "--executor", "slurm", "--pack", "2"], { env });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    for (let i = 1; i <= 6; i++) expect(readFileSync(join(root, `out/R${i}.txt`), "utf8")).toBe(`record ${i}\n`);
    expect(runTrove(["status", "--steps", root], { env }).stdout).toMatch(/^work: 6 done\n/);
    const again = runTrove(["run", "-d", root, "--executor", "slurm"], { env });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/up to date|nothing to run|0 ran/i);
  });
});
