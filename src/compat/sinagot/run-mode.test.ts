// Sinagot's [run] mode as a trove executor: main_process is local, dask is local, redis or slurm
// by its cluster address, and a Dask scheduler's address is an error naming the flags to pass.
// (A workspace run on redis workers that way: test/run-redis-cli.test.ts.)

import { cpSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedFixture } from "../../../test/fixtures.ts";
import { tempDir } from "../../../test/helpers.ts";
import { ConfigError } from "../../errors.ts";
import { sinagotExecutor, sinagotExecutorOf } from "./run-mode.ts";

const dask = (cluster: Record<string, unknown>, type = "distributed") => ({ run: { mode: "dask" }, dask: { scheduler: { type }, cluster } });

describe("sinagotExecutor", () => {
  it("main_process (or no mode) is the local executor, silently", () => {
    expect(sinagotExecutor({ run: { mode: "main_process" } }, "w.toml")).toEqual({ executor: "local" });
    expect(sinagotExecutor({}, "w.toml")).toEqual({ executor: "local" });
  });

  it("dask on this machine is the local executor, and says so", () => {
    const single = sinagotExecutor(dask({ n_workers: 20 }, "single-threaded"), "w.toml");
    expect(single).toMatchObject({ executor: "local" });
    expect(single.message).toBe('w.toml: [run] mode = "dask" with scheduler.type = "single-threaded" runs on this machine: using the local executor (--executor redis or slurm to go elsewhere)');
    expect(sinagotExecutor(dask({ n_workers: 4 }), "w.toml").message).toMatch(/a local cluster \(no cluster.address\)/);
  });

  it("a redis:// address is the redis executor on that server, the password not shown", () => {
    const r = sinagotExecutor(dask({ address: "redis://:pw@10.0.0.5:6379/2" }), "w.toml");
    expect(r).toMatchObject({ executor: "redis", redis: "redis://:pw@10.0.0.5:6379/2" });
    expect(r.message).toBe('w.toml: [run] mode = "dask" with cluster.address = redis://10.0.0.5:6379/2: using --executor redis on that server (start `trove worker --redis redis://10.0.0.5:6379/2` on each machine)');
  });

  it("slurm, or slurm://PARTITION, is the slurm executor", () => {
    expect(sinagotExecutor(dask({ address: "slurm" }), "w.toml")).toMatchObject({ executor: "slurm", partition: undefined, message: expect.stringMatching(/using --executor slurm$/) });
    expect(sinagotExecutor(dask({ address: "slurm://short" }), "w.toml")).toMatchObject({ executor: "slurm", partition: "short", message: expect.stringMatching(/using --executor slurm --partition short$/) });
  });

  it("a Dask scheduler's address, or an unknown mode, is an error saying what to pass", () => {
    expect(() => sinagotExecutor(dask({ address: "tcp://10.0.0.5:8786" }), "w.toml")).toThrow(ConfigError);
    expect(() => sinagotExecutor(dask({ address: "tcp://10.0.0.5:8786" }), "w.toml")).toThrow(
      'w.toml: [run] mode = "dask" with cluster.address = "tcp://10.0.0.5:8786": trove does not use a Dask scheduler; pass --executor redis --redis redis://HOST:PORT (with `trove worker` on each machine), --executor slurm, or --executor local, or set cluster.address to "redis://HOST:PORT" or "slurm"',
    );
    expect(() => sinagotExecutor({ run: { mode: "ray" } }, "w.toml")).toThrow(/mode = "ray" is not one of Sinagot's modes/);
  });
});

describe("sinagotExecutorOf", () => {
  it("reads a workspace file; a file without [records] is no workspace", async () => {
    const root = join(tempDir(), "sonetaa");
    cpSync(sharedFixture("sinagot/sonetaa"), root, { recursive: true });
    expect(await sinagotExecutorOf(join(root, "workspace.toml"))).toMatchObject({ executor: "local", message: expect.stringMatching(/^workspace.toml: \[run\] mode = "dask" with scheduler.type = "single-threaded"/) });
    writeFileSync(join(root, "other.toml"), "[project]\nname = 'x'\n");
    expect(await sinagotExecutorOf(join(root, "other.toml"))).toBeUndefined();
  });
});
