// Test-side access to the run's radosgw (started by test/setup/radosgw.ts): importing this module
// is what makes the setup start it. Fails clearly, never skips, when it could not start.
// Tests that kill a server get a private radosgw daemon on the same Ceph cluster (starts in ~1 s,
// sees the same users and buckets) so the shared one keeps serving the other tests.
//
//   import { radosgw, s3Options, makeBucket, extraRadosgw } from "../../test/support/radosgw.ts";
//   const bucket = await makeBucket();
//   const gw = await extraRadosgw(); gw.kill(); await gw.restart(); gw.stop();

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inject } from "vitest";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { accepts, freePort } from "../setup/servers.ts";

export interface RadosgwInfo {
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  /** The cluster folder (ceph.conf, run/*.pid, log/). */
  dir: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    radosgw: RadosgwInfo | { error: string };
  }
}

export function radosgw(): RadosgwInfo {
  const info = inject("radosgw");
  if (!info) throw new Error("radosgw was not started: test/setup/radosgw.ts is not in vitest.config.ts globalSetup, or TROVE_TEST_SERVERS excludes it");
  if ("error" in info) throw new Error(info.error);
  return info;
}

/** S3Store options for the run's radosgw (or another endpoint of the same cluster). */
export function s3Options(bucket: string, endpoint = radosgw().endpoint) {
  const { accessKeyId, secretAccessKey, region } = radosgw();
  return { bucket, endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } };
}

/** A new, empty bucket with a random name. */
export async function makeBucket(prefix = "t"): Promise<string> {
  const { endpoint, accessKeyId, secretAccessKey, region } = radosgw();
  const name = `${prefix}-${randomBytes(6).toString("hex")}`;
  const c = new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId, secretAccessKey } });
  try {
    await c.send(new CreateBucketCommand({ Bucket: name }));
  } finally {
    c.destroy();
  }
  return name;
}

export interface ExtraRadosgw {
  endpoint: string;
  /** SIGKILL the daemon (a crash). */
  kill(): void;
  /** SIGTERM, and wait until it is gone. */
  stop(): Promise<void>;
  /** Start it again on the same port (after kill or stop) and wait until it answers. */
  restart(): Promise<void>;
}

let extraCount = 0;

/** A second radosgw daemon on the shared cluster, on its own port, for tests that kill it. */
export async function extraRadosgw(): Promise<ExtraRadosgw> {
  const { dir } = radosgw();
  const port = await freePort();
  const name = `client.rgwx${process.pid}n${extraCount++}`;
  const pidFile = join(dir, "run", `ceph-${name}.pid`);
  const args = [
    "-c", join(dir, "ceph.conf"), "-n", name, "--auth-client-required", "none", "--ms-mon-client-mode", "crc",
    "--rgw-frontends", `beast endpoint=127.0.0.1:${port}`, "--rgw-data", join(dir, "rgw"),
    // Without its cache the daemon registers no watch on the cluster's control objects; a killed
    // watcher would otherwise stall the shared radosgw's metadata writes for ~30 s.
    "--rgw-cache-enabled", "false",
  ];
  const endpoint = `http://127.0.0.1:${port}`;
  const pid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : 0);
  const start = async () => {
    const r = spawnSync("radosgw", args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`radosgw ${name} did not start: ${r.stderr}`);
    await waitFor(() => accepts(port), 30_000, `radosgw ${name} did not answer on ${port}`);
  };
  const gone = async () => {
    const p = pid();
    await waitFor(async () => !p || !alive(p), 10_000, `radosgw ${name} (pid ${p}) did not exit`);
    await waitFor(async () => !(await accepts(port)), 10_000, `port ${port} still answers`);
  };
  await start();
  return {
    endpoint,
    kill() {
      const p = pid();
      if (p && alive(p)) process.kill(p, "SIGKILL");
    },
    async stop() {
      const p = pid();
      if (p && alive(p)) process.kill(p, "SIGTERM");
      await gone();
    },
    async restart() {
      const p = pid();
      if (p && alive(p)) process.kill(p, "SIGKILL");
      await gone();
      await start();
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A killed daemon stays a zombie until its parent (init) reaps it; count zombies as gone.
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

async function waitFor(ok: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}


