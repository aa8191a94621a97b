// vitest global setup: the Debian packages the tests run against (h5py writes the HDF5 files the
// reader is checked against). Missing ones are installed with apt-get (as root, or through sudo);
// when that is impossible the run fails with CI=true and otherwise says which tests will fail.
//
//   TROVE_SKIP_APT=1 npx vitest run   # never call apt-get (the tests needing the packages fail)

import { execFileSync, spawnSync } from "node:child_process";

/** Debian package → a command that succeeds once it works. */
export const SYSTEM_PACKAGES: Record<string, string[]> = {
  "python3-h5py": ["/usr/bin/python3", "-c", "import h5py"],
  // Ceph radosgw is the S3 server of the store tests (test/setup/radosgw.ts); ~200 MB.
  radosgw: ["radosgw", "--version"],
  "ceph-mon": ["ceph-mon", "--version"],
  "ceph-osd": ["ceph-osd", "--version"],
  // single-node Slurm for the Slurm executor's tests (test/setup/slurm.ts); ~60 MB
  "slurm-wlm": ["slurmctld", "-V"],
  munge: ["munged", "--version"],
  // the queue of the redis executor's tests (test/support/redis.ts)
  "redis-server": ["redis-server", "--version"],
};

function works(check: string[]): boolean {
  return spawnSync(check[0], check.slice(1), { stdio: "ignore" }).status === 0;
}

function apt(args: string[]): void {
  const root = process.getuid?.() === 0;
  const cmd = root ? "apt-get" : "sudo";
  const argv = root ? args : ["-n", "apt-get", ...args];
  execFileSync(cmd, argv, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
}

export default function setup(): void {
  const missing = Object.entries(SYSTEM_PACKAGES).filter(([, check]) => !works(check)).map(([p]) => p);
  if (!missing.length) return;
  if (process.env.TROVE_SKIP_APT !== "1") {
    try {
      process.stderr.write(`installing Debian packages the tests need: ${missing.join(" ")}\n`);
      try {
        apt(["install", "-y", "--no-install-recommends", ...missing]);
      } catch {
        apt(["update"]);
        apt(["install", "-y", "--no-install-recommends", ...missing]);
      }
    } catch (e) {
      process.stderr.write(`apt-get failed: ${(e as Error).message}\n`);
    }
  }
  const still = missing.filter((p) => !works(SYSTEM_PACKAGES[p]));
  if (!still.length) return;
  const msg = `Debian packages missing: ${still.join(" ")} (install them: apt-get install ${still.join(" ")})`;
  if (process.env.CI === "true") throw new Error(msg);
  process.stderr.write(`warning: ${msg}; the tests that need them will fail\n`);
}
