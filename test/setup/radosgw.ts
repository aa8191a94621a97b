// vitest global setup: one throwaway Ceph radosgw (S3) for the whole run, started with
// scripts/ci/start-rgw.sh (~12 s) only when a selected test file imports test/support/radosgw.
// Tests get its endpoint and keys with `inject("radosgw")` (see test/support/radosgw.ts).
//
//   npx vitest run src/store/s3.test.ts          # starts radosgw, stops it at the end
//   TROVE_TEST_SERVERS=none npx vitest run ...    # never start it (its tests fail)

import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { ciScript, freePort, selectedFilesUse, serverRunDir, serverUnavailable } from "./servers.ts";
import type { RadosgwInfo } from "../support/radosgw.ts";

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (!(await selectedFilesUse(project, "radosgw"))) return undefined;
  const run = serverRunDir("radosgw");
  const dir = join(run.dir, "rgw");
  const [rgwPort, monPort] = [await freePort(), await freePort()];
  const started = Date.now();
  const r = spawnSync(ciScript("start-rgw.sh"), [dir, String(rgwPort), String(monPort)], { encoding: "utf8", timeout: 180_000 });
  const line = r.stdout?.trim().split("\n").pop() ?? "";
  const [endpoint, accessKeyId, secretAccessKey] = line.split(" ");
  if (r.status !== 0 || !endpoint?.startsWith("http")) {
    run.stop();
    project.provide("radosgw", serverUnavailable(`radosgw could not start: ${(r.stderr || r.error?.message || "").trim().split("\n").slice(-3).join(" | ")}`));
    return undefined;
  }
  process.stderr.write(`radosgw ready at ${endpoint} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  const info: RadosgwInfo = { endpoint, accessKeyId, secretAccessKey, dir, region: "us-east-1" };
  project.provide("radosgw", info);
  return () => run.stop();
}
