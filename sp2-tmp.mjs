import { spawn } from "node:child_process";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
const [mode, cmd = "true"] = process.argv.slice(2);
const N = 1000;
function pool(n, conc, cmd, opts) { return new Promise((res) => { let i = 0, running = 0, done = 0;
  const next = () => { while (running < conc && i < n) { i++; running++; spawn(cmd, [], { stdio: "ignore", ...opts }).on("exit", () => { running--; if (++done === n) res(); else next(); }); } }; next(); }); }
if (!isMainThread) { await pool(workerData.n, 1, workerData.cmd, {}); parentPort.postMessage("ok"); }
else {
  let keep; if (mode.includes("duck")) { const d = await import("@duckdb/node-api"); const inst = await d.DuckDBInstance.create(":memory:"); keep = await inst.connect(); await keep.run("select 1"); }
  const t0 = performance.now();
  if (mode.startsWith("worker")) await Promise.all([0, 1].map(() => new Promise((r) => new Worker(new URL(import.meta.url), { workerData: { n: N / 2, cmd }, argv: [mode, cmd] }).on("message", r))));
  else if (mode.startsWith("helper")) {
    // a small spawner process: reads commands on stdin, runs 2 at a time with posix_spawn, prints exits
    const py = `import os,sys\nrunning=0\nfor line in sys.stdin:\n  if running>=2:\n    os.wait(); running-=1; sys.stdout.write("x\\n"); sys.stdout.flush()\n  os.posix_spawnp(line.strip(),[line.strip()],os.environ,setsid=True); running+=1\nwhile running:\n  os.wait(); running-=1; sys.stdout.write("x\\n")\n`;
    const h = spawn("/usr/bin/python3", ["-c", py], { stdio: ["pipe", "pipe", "inherit"] });
    h.stdin.end(Array(N).fill(cmd).join("\n") + "\n");
    await new Promise((r) => h.on("exit", r));
  } else await pool(N, 2, cmd, { detached: mode.includes("det") });
  console.log(mode, cmd, ((performance.now() - t0) / N).toFixed(2), "ms/task");
}
