// A private redis-server for a test file (the redis executor's queue), on 127.0.0.1 and a free
// port, with no persistence. Started here, not in a global setup: it takes ~50 ms, and tests kill
// and restart it. A watchdog stops it if the test process dies; with CI=true a missing
// redis-server fails the test (system-packages.ts installs it), it never skips.
//
//   const redis = await startRedis();   // redis.url = "redis://127.0.0.1:PORT"
//   redis.kill(); await redis.restart(); redis.stop();

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { accepts, freePort, serverRunDir } from "../setup/servers.ts";

export interface TestRedis {
  url: string;
  port: number;
  /** SIGKILL (a crash); everything in it is lost. */
  kill(): void;
  /** Start again on the same port, empty. */
  restart(): Promise<void>;
  stop(): void;
}

export async function startRedis(): Promise<TestRedis> {
  if (spawnSync("redis-server", ["--version"]).status !== 0) throw new Error("redis-server is not installed (apt-get install redis-server); the redis executor's tests need it");
  const run = serverRunDir("redis");
  const port = await freePort();
  const pidFile = join(run.dir, "redis.pid");
  const pid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : 0);
  const start = async () => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "yes", "--pidfile", pidFile, "--dir", run.dir, "--logfile", join(run.dir, "redis.log")];
    const r = spawnSync("redis-server", args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`redis-server did not start: ${r.stderr || r.stdout}`);
    for (let i = 0; i < 100 && !(await accepts(port)); i++) await new Promise((r) => setTimeout(r, 50));
  };
  const kill = () => {
    const p = pid();
    if (p) try { process.kill(p, "SIGKILL"); } catch { /* gone */ }
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    async restart() {
      kill();
      for (let i = 0; i < 100 && (await accepts(port)); i++) await new Promise((r) => setTimeout(r, 50));
      await start();
    },
    stop: () => run.stop(),
  };
}

