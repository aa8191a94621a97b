// Slurm's client commands as async functions: submit a job array, see which of its elements are
// still queued or running, read how finished ones ended, cancel. Only sbatch, squeue, scontrol
// and scancel are used: many clusters have no accounting (`sacct`).
//
//   const id = await sbatch(["--array=0-3", "--job-name=trove-x", "element.sh"]);   // "4211"
//   await liveElements("trove-x");        // Map { "4211_0" => "RUNNING", "4211_1" => "PENDING", ... }
//   await elementStates("4211");          // Map { 0 => { state: "COMPLETED", exitCode: 0 }, ... }
//   await scancel(["4211"]);

import { execFile } from "node:child_process";
import { ExecutorError } from "../executor.ts";

/** A Slurm command failed or is missing. */
export class SlurmError extends ExecutorError {
  override name = "SlurmError";
}

function slurm(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { encoding: "utf8", maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? `${command} not found: is Slurm installed here (and on PATH)?` : `${command} ${args.join(" ")} failed: ${(stderr || error.message).trim()}`;
      reject(new SlurmError(why));
    });
  });
}

/** Submits with --parsable; resolves with the job id (the array's id for an array). */
export async function sbatch(args: string[]): Promise<string> {
  const out = (await slurm("sbatch", ["--parsable", ...args])).trim();
  const id = out.split(";")[0];
  if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch answered ${JSON.stringify(out)}, not a job id`);
  return id;
}

/** The elements of the jobs named `name` that squeue still lists ("<array>_<index>" -> state). */
export async function liveElements(name: string): Promise<Map<string, string>> {
  const out = await slurm("squeue", ["-h", "-r", "-n", name, "-o", "%i %T"]);
  const live = new Map<string, string>();
  for (const line of out.split("\n")) {
    const [id, state] = line.trim().split(" ");
    if (id && state) live.set(id, state);
  }
  return live;
}

export interface ElementState {
  /** COMPLETED, FAILED, CANCELLED, TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, ...; UNKNOWN once Slurm forgot the job. */
  state: string;
  exitCode: number | null;
  signal: number | null;
  reason: string;
}

/** How each element of array job `jobId` stands, per `scontrol show job -o` (no accounting needed). */
export async function elementStates(jobId: string): Promise<Map<number, ElementState>> {
  let out: string;
  try {
    out = await slurm("scontrol", ["show", "job", jobId, "-o"]);
  } catch {
    return new Map(); // purged after MinJobAge: the callers say UNKNOWN
  }
  const states = new Map<number, ElementState>();
  for (const line of out.split("\n")) {
    const field = (name: string) => new RegExp(`(?:^| )${name}=(\\S*)`).exec(line)?.[1];
    const index = Number(field("ArrayTaskId"));
    if (!Number.isInteger(index)) continue; // a range of elements not yet started
    const [code, sig] = (field("ExitCode") ?? "").split(":").map(Number);
    states.set(index, { state: field("JobState") ?? "UNKNOWN", exitCode: Number.isFinite(code) ? code : null, signal: Number.isFinite(sig) ? sig : null, reason: field("Reason") ?? "" });
  }
  return states;
}

/** Cancels jobs (whole arrays, or "<array>_<index>"); `pendingOnly` leaves running elements alone. */
export async function scancel(ids: string[], pendingOnly = false): Promise<void> {
  if (ids.length === 0) return;
  await slurm("scancel", [...(pendingOnly ? ["--state=PENDING"] : []), ...ids]);
}

/**
 * CPUs of a partition (the default one, marked `*` by sinfo, when none is named); undefined when
 * sinfo does not say. For the automatic pack: how many elements can run at once.
 */
export async function partitionCpus(partition?: string): Promise<number | undefined> {
  let out: string;
  try {
    out = await slurm("sinfo", ["-h", "-o", "%P %C", ...(partition ? ["-p", partition] : [])]);
  } catch {
    return undefined;
  }
  const lines = out.split("\n").map((l) => l.trim().split(/\s+/)).filter((f) => f.length === 2);
  const line = partition ? lines[0] : (lines.find(([p]) => p.endsWith("*")) ?? lines[0]);
  const total = Number(line?.[1].split("/")[3]); // allocated/idle/other/total
  return Number.isInteger(total) && total > 0 ? total : undefined;
}
