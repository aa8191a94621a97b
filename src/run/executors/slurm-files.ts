// The files a Slurm run shares between the submitting `trove run` and its array elements, on the
// shared file system: one folder per run, one sub-folder per submitted wave (one job array).
//
//   const wave = join(runDir, "w3");
//   writeElements(wave, specs, 5);            // elements/0.json holds specs 0-4, 1.json 5-9...
//   readElement(wave, 1);                     // { first: 5, specs: [...] }   (in the element)
//   writeResult(wave, 7, outcome); readResult(wave, 7);
//
// Results are written to a temporary name and renamed, so a reader never sees half of one.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { TaskOutcome, TaskSpec } from "../executor.ts";

export const elementsDir = (wave: string) => join(wave, "elements");
export const resultsDir = (wave: string) => join(wave, "results");
export const startedDir = (wave: string) => join(wave, "started");
export const startedFile = (wave: string, index: number) => join(startedDir(wave), String(index));
export const resultFile = (wave: string, index: number) => join(resultsDir(wave), `${index}.json`);
/** Slurm's own stdout/stderr of an element (the driver's, not the tasks': those have their logs). */
export const elementLog = (wave: string, jobId: string, element: number) => join(wave, `slurm-${jobId}_${element}.out`);
/** Present once the run drains: elements start no further task. One per run, beside the waves. */
export const drainFile = (wave: string) => join(dirname(wave), "drain");

/** Splits a wave's tasks into elements of `pack` tasks; returns how many elements. */
export function writeElements(wave: string, specs: TaskSpec[], pack: number): number {
  for (const dir of [elementsDir(wave), resultsDir(wave), startedDir(wave)]) mkdirSync(dir, { recursive: true });
  const count = Math.ceil(specs.length / pack);
  for (let e = 0; e < count; e++) {
    const first = e * pack;
    writeFileSync(join(elementsDir(wave), `${e}.json`), JSON.stringify({ first, specs: specs.slice(first, first + pack) }));
  }
  return count;
}

export function readElement(wave: string, element: number): { first: number; specs: TaskSpec[] } {
  return JSON.parse(readFileSync(join(elementsDir(wave), `${element}.json`), "utf8")) as { first: number; specs: TaskSpec[] };
}

export function writeResult(wave: string, index: number, outcome: TaskOutcome): void {
  const file = resultFile(wave, index);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(outcome));
  renameSync(temp, file);
}

/** The outcome an element wrote, with its dates revived. */
export function readResult(wave: string, index: number): TaskOutcome {
  const o = JSON.parse(readFileSync(resultFile(wave, index), "utf8")) as TaskOutcome & { startedAt: string; endedAt: string };
  return { ...o, startedAt: new Date(o.startedAt), endedAt: new Date(o.endedAt) };
}
