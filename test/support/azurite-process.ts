// Starts one Azurite blob server (in memory, telemetry off) as a detached process whose pid is
// written to <dir>/azurite-<port>.pid, so scripts/ci/stop-servers.sh and the watchdog can stop it.
//
//   const az = await startAzurite(dir);   // az.connectionString; az.kill() to simulate a dead server

import { spawn } from "node:child_process";
import { openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { accepts, freePort } from "../setup/servers.ts";

export interface AzuriteInfo {
  endpoint: string;
  account: string;
  accountKey: string;
  connectionString: string;
  pid: number;
}

// Azurite's fixed development account (public, documented by Microsoft; not a secret).
const ACCOUNT = "devstoreaccount1";
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
const BIN = join(import.meta.dirname, "..", "..", "node_modules", ".bin", "azurite-blob");

export async function startAzurite(dir: string, port?: number): Promise<AzuriteInfo> {
  const p = port ?? (await freePort());
  const log = openSync(join(dir, `azurite-${p}.log`), "a");
  const child = spawn(
    BIN,
    ["--silent", "--disableTelemetry", "--inMemoryPersistence", "--skipApiVersionCheck", "--blobHost", "127.0.0.1", "--blobPort", String(p)],
    // --location conflicts with --inMemoryPersistence; the cwd catches anything it still writes.
    { detached: true, stdio: ["ignore", log, log], cwd: dir },
  );
  child.unref();
  if (!child.pid) throw new Error(`could not run ${BIN}`);
  writeFileSync(join(dir, `azurite-${p}.pid`), String(child.pid));
  const deadline = Date.now() + 30_000;
  while (!(await accepts(p))) {
    if (child.exitCode !== null) throw new Error(`azurite-blob exited with ${child.exitCode} (log: ${join(dir, `azurite-${p}.log`)})`);
    if (Date.now() > deadline) throw new Error(`azurite-blob did not listen on port ${p} within 30 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const endpoint = `http://127.0.0.1:${p}/${ACCOUNT}`;
  return {
    endpoint, account: ACCOUNT, accountKey: KEY, pid: child.pid,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=${endpoint};`,
  };
}


