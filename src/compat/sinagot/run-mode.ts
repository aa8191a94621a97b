// Which trove executor a Sinagot workspace's `[run] mode` asks for, when `trove run` is given no
// --executor: Sinagot scaled with Dask; trove runs the same tasks on its own executors.
//
//   sinagotExecutor({ run: { mode: "dask" }, dask: { cluster: { address: "redis://10.0.0.5:6379" } } }, "workspace.toml")
//   // { executor: "redis", redis: "redis://10.0.0.5:6379", message: "workspace.toml: [run] mode = \"dask\" ... --executor redis ..." }
//   await sinagotExecutorOf("/data/sonetaa/workspace.toml")    // the same, read from the file
//
// The mapping (Sinagot 0.3's keys: [run] mode, [dask] scheduler.type, [dask] cluster.address):
// - mode "main_process", or no mode: local (Sinagot ran the tasks in its own process).
// - mode "dask" with a scheduler that is not "distributed", or a distributed one with no address
//   (a LocalCluster on this machine): local, said in one line.
// - mode "dask", cluster.address "redis://..." (or rediss://): redis, with that server; the
//   machines run `trove worker`. cluster.address "slurm" or "slurm://PARTITION": slurm.
// - any other address (a Dask scheduler, tcp://...): an error naming the flags to pass instead,
//   since there is no Dask in trove and guessing would run the lab's work somewhere unintended.

import { readFile } from "node:fs/promises";
import { parse as parseToml } from "smol-toml";
import { ConfigError } from "../../errors.ts";

export interface SinagotExecutor {
  executor: "local" | "redis" | "slurm";
  /** With redis: the server. */
  redis?: string;
  /** With slurm: the partition, from slurm://PARTITION. */
  partition?: string;
  /** One line for the user saying what was chosen and why; none when it is plain local. */
  message?: string;
}

type Table = Record<string, unknown>;
const table = (v: unknown): Table | undefined => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Table) : undefined);

/** The executor a parsed workspace file asks for; `where` names the file in messages. */
export function sinagotExecutor(raw: Table, where: string): SinagotExecutor {
  const mode = table(raw.run)?.mode ?? "main_process";
  if (mode === "main_process") return { executor: "local" };
  if (mode !== "dask") throw new ConfigError(`${where}: [run] mode = ${JSON.stringify(mode)} is not one of Sinagot's modes ("main_process", "dask")`);
  const dask = table(raw.dask);
  const type = table(dask?.scheduler)?.type ?? "distributed";
  const address = table(dask?.cluster)?.address;
  const said = `${where}: [run] mode = "dask"`;
  if (type !== "distributed" || address === undefined) {
    const what = type !== "distributed" ? `scheduler.type = ${JSON.stringify(type)}` : "a local cluster (no cluster.address)";
    return { executor: "local", message: `${said} with ${what} runs on this machine: using the local executor (--executor redis or slurm to go elsewhere)` };
  }
  if (typeof address !== "string") throw new ConfigError(`${where}: [dask] cluster.address must be a string, not ${JSON.stringify(address)}`);
  if (/^rediss?:\/\//.test(address)) {
    const shown = address.replace(/^(\w+:\/\/)[^@/]*@/, "$1");
    return { executor: "redis", redis: address, message: `${said} with cluster.address = ${shown}: using --executor redis on that server (start \`trove worker --redis ${shown}\` on each machine)` };
  }
  const slurm = /^slurm(?::\/\/([^/]*)\/?)?$/i.exec(address);
  if (slurm) {
    const partition = slurm[1] || undefined;
    return { executor: "slurm", partition, message: `${said} with cluster.address = ${address}: using --executor slurm${partition ? ` --partition ${partition}` : ""}` };
  }
  throw new ConfigError(
    `${said} with cluster.address = ${JSON.stringify(address)}: trove does not use a Dask scheduler; ` +
      `pass --executor redis --redis redis://HOST:PORT (with \`trove worker\` on each machine), --executor slurm, or --executor local, ` +
      `or set cluster.address to "redis://HOST:PORT" or "slurm"`,
  );
}

/** Reads a workspace file; undefined when it is not one (no [records]: a Thot project, say). */
export async function sinagotExecutorOf(file: string): Promise<SinagotExecutor | undefined> {
  let raw: Table;
  try {
    raw = parseToml(await readFile(file, "utf8")) as Table;
  } catch {
    return undefined; // loading the config read it already; whatever is wrong there was said
  }
  if (!("records" in raw)) return undefined;
  return sinagotExecutor(raw, file.split("/").pop()!);
}
