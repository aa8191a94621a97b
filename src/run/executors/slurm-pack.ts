// How many tasks go into one Slurm array element when `--pack` is not given. An element costs
// seconds before its first task runs (queueing, job start, a Node process for the driver), so
// many tiny tasks must share one; long tasks need not, and packing them would only serialise them.
//
//   autoPack({ tasks: 1000, cores: 2 })                        // 250: 4 elements, 2 per core
//   autoPack({ tasks: 1000, cores: 2, taskSeconds: 0.01 })     // 500: 2 elements (>= 30 s each would need more tasks)
//   autoPack({ tasks: 1000, cores: 64, taskSeconds: 5 })       // 6: elements of ~30 s
//
// The rule, in order:
// - a measured task time (this run's earlier waves, else the journal's last runs of the step):
//   elements of about TARGET_ELEMENT_SECONDS of work, but no fewer elements than cores, so every
//   core gets work; and with a --time limit, an element's work at most half of it.
// - no measured time: 2 elements per core of the partition (sinfo), so the cores stay busy while
//   the slowest element ends; per-element overhead is paid 2 x cores times, not once per task.
// - never more than `maxElements` elements per wave (a wave past MaxArraySize is split anyway).
//
// Measured on the 2-core test machine, 1k trivial tasks: 100 elements took 151 s, 20 took 32 s.

import { closeSync, openSync, readSync, statSync } from "node:fs";
import { journalPath } from "../journal.ts";

/** Seconds of work an element should hold, when task times are known. */
export const TARGET_ELEMENT_SECONDS = 30;
/** Elements per core when task times are not known. */
export const ELEMENTS_PER_CORE = 2;

export interface PackInput {
  tasks: number;
  /** CPUs of the partition; undefined when sinfo did not say. */
  cores?: number;
  /** Mean seconds per task, when measured. */
  taskSeconds?: number;
  /** The element's time limit (sbatch --time), in seconds. */
  limitSeconds?: number;
  /** Upper bound on elements per wave. */
  maxElements?: number;
}

export function autoPack({ tasks, cores, taskSeconds, limitSeconds, maxElements = 500 }: PackInput): number {
  if (tasks <= 0) return 1;
  const slots = Math.max(1, cores ?? 50); // sinfo silent: 100 elements, the earlier default
  let pack: number;
  if (taskSeconds !== undefined && taskSeconds >= 0) {
    pack = Math.ceil(TARGET_ELEMENT_SECONDS / Math.max(taskSeconds, 0.001));
    pack = Math.min(pack, Math.ceil(tasks / slots)); // at least one element per core
    if (limitSeconds) pack = Math.min(pack, Math.max(1, Math.floor(limitSeconds / 2 / Math.max(taskSeconds, 0.001))));
  } else {
    pack = Math.ceil(tasks / (ELEMENTS_PER_CORE * slots));
  }
  pack = Math.max(pack, Math.ceil(tasks / maxElements));
  return Math.max(1, Math.min(pack, tasks));
}

/** Slurm's --time formats ("30", "MM:SS", "HH:MM:SS", "D-HH", "D-HH:MM", "D-HH:MM:SS") in seconds. */
export function slurmSeconds(time: string | undefined): number | undefined {
  if (!time || /^(0|infinite|unlimited)$/i.test(time)) return undefined;
  const m = /^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$/.exec(time.trim());
  if (!m) return undefined;
  const [, d, a, b, c] = m;
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  if (d !== undefined) return n(d) * 86400 + n(a) * 3600 + n(b) * 60 + n(c); // D-HH[:MM[:SS]]
  if (c !== undefined) return n(a) * 3600 + n(b) * 60 + n(c); // HH:MM:SS
  if (b !== undefined) return n(a) * 60 + n(b); // MM:SS
  return n(a) * 60; // minutes
}

/**
 * Mean seconds of the successful tasks of each step in the journal's last rows (its tail only:
 * a long journal is read in milliseconds, and recent runs say most about the next one).
 */
export function journalTaskSeconds(root: string, tailBytes = 1 << 20): Map<string, number> {
  const means = new Map<string, number>();
  let text: string;
  try {
    const file = journalPath(root);
    const size = statSync(file).size;
    const length = Math.min(size, tailBytes);
    const fd = openSync(file, "r");
    try {
      const buf = Buffer.alloc(length);
      readSync(fd, buf, 0, length, size - length);
      text = buf.toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return means; // no journal yet
  }
  const sums = new Map<string, { total: number; n: number }>();
  for (const line of text.split("\n")) {
    if (!line.includes('"status":"done"')) continue; // the cut first line, failures and the rest
    try {
      const row = JSON.parse(line) as { step?: string; seconds?: number; status?: string };
      if (row.status !== "done" || typeof row.step !== "string" || typeof row.seconds !== "number") continue;
      const s = sums.get(row.step) ?? { total: 0, n: 0 };
      s.total += row.seconds;
      s.n++;
      sums.set(row.step, s);
    } catch {
      // a line cut by the tail
    }
  }
  for (const [step, s] of sums) means.set(step, s.total / s.n);
  return means;
}

/** Running means of this run's own task times, per step (env TROVE_STEP; "" without one). */
export class TaskTimes {
  private readonly sums = new Map<string, { total: number; n: number }>();

  add(step: string, seconds: number): void {
    const s = this.sums.get(step) ?? { total: 0, n: 0 };
    s.total += seconds;
    s.n++;
    this.sums.set(step, s);
  }

  mean(step: string): number | undefined {
    const s = this.sums.get(step);
    return s && s.n > 0 ? s.total / s.n : undefined;
  }
}
