// The automatic Slurm pack: few elements for many tiny tasks, ~30 s elements for measured ones,
// every core busy, a --time limit respected; Slurm's time formats; task times from the journal.
// (Against the real test cluster: slurm.test.ts.)

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../test/helpers.ts";
import { journalPath } from "../journal.ts";
import { autoPack, journalTaskSeconds, slurmSeconds, TaskTimes } from "./slurm-pack.ts";

const elements = (tasks: number, pack: number) => Math.ceil(tasks / pack);

describe("autoPack", () => {
  it("without a task time: 2 elements per core", () => {
    expect(elements(1000, autoPack({ tasks: 1000, cores: 2 }))).toBe(4);
    expect(elements(10_000, autoPack({ tasks: 10_000, cores: 64 }))).toBe(127); // 79 tasks each: 127 elements
    expect(autoPack({ tasks: 3, cores: 64 })).toBe(1); // fewer tasks than slots: one each
  });

  it("with a task time: ~30 s of work per element, but at least one element per core", () => {
    expect(autoPack({ tasks: 1000, cores: 64, taskSeconds: 5 })).toBe(6);
    expect(autoPack({ tasks: 10_000, cores: 64, taskSeconds: 5 })).toBe(20); // 500 elements at most
    expect(elements(10_000, autoPack({ tasks: 10_000, cores: 64, taskSeconds: 0.01 }))).toBe(64);
    expect(autoPack({ tasks: 100, cores: 8, taskSeconds: 3600 })).toBe(1); // long tasks are never packed
  });

  it("keeps an element's work within half its --time limit", () => {
    expect(autoPack({ tasks: 1000, cores: 2, taskSeconds: 1, limitSeconds: 600 })).toBe(30);
    expect(autoPack({ tasks: 1000, cores: 2, taskSeconds: 1, limitSeconds: 20 })).toBe(10);
  });

  it("never makes more than maxElements elements, nor knows cores it was not told", () => {
    expect(elements(100_000, autoPack({ tasks: 100_000, cores: 10_000 }))).toBeLessThanOrEqual(500);
    expect(elements(1000, autoPack({ tasks: 1000 }))).toBe(100); // sinfo silent: the earlier 100 elements
  });
});

describe("slurmSeconds", () => {
  it("reads sbatch --time formats", () => {
    expect(slurmSeconds("30")).toBe(1800);
    expect(slurmSeconds("5:30")).toBe(330);
    expect(slurmSeconds("01:00:00")).toBe(3600);
    expect(slurmSeconds("2-00")).toBe(172_800);
    expect(slurmSeconds("1-02:03:04")).toBe(93_784);
    expect(slurmSeconds("UNLIMITED")).toBeUndefined();
    expect(slurmSeconds(undefined)).toBeUndefined();
  });
});

describe("measured task times", () => {
  it("averages the successful rows of each step in the journal's tail", () => {
    const root = tempDir();
    mkdirSync(dirname(journalPath(root)), { recursive: true });
    const row = (step: string, status: string, seconds: number) => JSON.stringify({ run: "r", task: `${step}:x`, step, status, seconds });
    writeFileSync(journalPath(root), [row("a", "done", 1), row("a", "done", 3), row("a", "failed", 100), row("b", "done", 0.5)].join("\n") + "\n");
    expect(journalTaskSeconds(root)).toEqual(new Map([["a", 2], ["b", 0.5]]));
    expect(journalTaskSeconds(tempDir()).size).toBe(0);
  });

  it("keeps a run's own means per step", () => {
    const times = new TaskTimes();
    times.add("a", 1);
    times.add("a", 2);
    expect(times.mean("a")).toBe(1.5);
    expect(times.mean("b")).toBeUndefined();
  });
});
