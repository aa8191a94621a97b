// Which executor `trove run --executor NAME` means: a small registry from a name to a factory, so
// the CLI needs no knowledge of each one, and a heavy one (BullMQ) is loaded only when chosen.
//
//   const executor = await executorFor("redis", { jobs: 4, redis: "redis://127.0.0.1:6379" });
//   await runSteps(config, catalog, { executor });
//
// Each factory reads what it needs from the options (flags, env, trove.toml) and throws an
// ExecutorError naming what is missing.

import type { Config } from "../../config/load.ts";
import { ExecutorError, type Executor } from "../executor.ts";
import { LocalExecutor } from "../local-executor.ts";

export interface ExecutorChoice {
  /** Tasks at once (`-j`); what it bounds depends on the executor. */
  jobs?: number;
  /** The dataset's configuration, for `[executor.NAME]` defaults. */
  config?: Config;
  /** `--redis URL`; else TROVE_REDIS_URL, else trove.toml `[executor.redis] url`. */
  redis?: string;
  /** `--queue NAME` (BullMQ queue; default "trove"). */
  queue?: string;
  /** Options of other executors, by flag name. */
  [option: string]: unknown;
}

type Factory = (options: ExecutorChoice) => Executor | Promise<Executor>;

const EXECUTORS: Record<string, Factory> = {
  local: ({ jobs }) => new LocalExecutor({ concurrency: jobs }),
  redis: async (options) => {
    const { RedisExecutor, redisUrlFor } = await import("./redis.ts");
    return new RedisExecutor({ url: redisUrlFor(options), queue: options.queue ?? options.config?.executor?.redis?.queue });
  },
  slurm: async ({ jobs, partition, time, mem, cpus, account, pack }) => {
    const { SlurmExecutor } = await import("./slurm.ts");
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    const num = (v: unknown) => (typeof v === "number" ? v : undefined);
    return new SlurmExecutor({ partition: str(partition), time: str(time), mem: str(mem), cpus: num(cpus), account: str(account), pack: num(pack), throttle: jobs });
  },
};

export const EXECUTOR_NAMES = Object.keys(EXECUTORS);

export async function executorFor(name: string, options: ExecutorChoice = {}): Promise<Executor> {
  const factory = EXECUTORS[name];
  if (!factory) throw new ExecutorError(`no executor "${name}"; executors are: ${EXECUTOR_NAMES.join(", ")}`);
  return factory(options);
}
