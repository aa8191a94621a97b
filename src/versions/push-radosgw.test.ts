// A push to S3 (radosgw) whose server is killed mid-push: no version is visible, and pushing
// again after the restart completes it, uploading only what is missing.
import { afterAll, describe, expect, it } from "vitest";
import { extraRadosgw, makeBucket, s3Options, type ExtraRadosgw } from "../../test/support/radosgw.ts";
import { tempDir } from "../../test/helpers.ts";
import { indexDataset } from "../catalog/indexer.ts";
import { loadConfig } from "../config/load.ts";
import { writeDemoDataset } from "../demo/sonetaa.ts";
import { S3Store } from "../store/s3.ts";
import type { Body, Store, WriteOptions } from "../store/store.ts";
import { listVersions } from "./layout.ts";
import { VersionedDataset } from "./open.ts";
import { pushVersion } from "./push.ts";
import { createSnapshot } from "./snapshot.ts";

let gw: ExtraRadosgw | undefined;
afterAll(async () => gw?.stop());

/** The real S3 store, with the server killed (SIGKILL) once `after` writes have gone through. */
function killingAfter(store: S3Store, after: number, kill: () => void): Store {
  let writes = 0;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop !== "write") return Reflect.get(target, prop, receiver);
      return async (key: string, body: Body, opts?: WriteOptions) => {
        const info = await target.write(key, body, opts);
        if (++writes === after) kill();
        return info;
      };
    },
  });
}

describe("push to radosgw, killed mid-push", () => {
  it("leaves no visible version, and completes when pushed again", async () => {
    const root = tempDir();
    writeDemoDataset(root, { records: 4 });
    const config = await loadConfig(root);
    await indexDataset(config);
    const v = await createSnapshot(config, { label: "v1" });

    gw = await extraRadosgw();
    const bucket = await makeBucket();
    const options = { ...s3Options(bucket, gw.endpoint), prefix: "lab/sonetaa", maxAttempts: 2, connectTimeoutMs: 1000 };
    const dying = killingAfter(new S3Store(options), 15, () => gw!.kill());
    await expect(pushVersion(root, dying, { data: true, concurrency: 4 })).rejects.toThrow();
    await gw.restart();

    const store = new S3Store(options);
    expect(await listVersions(store)).toEqual([]); // nothing half-pushed is visible
    const stored = (await store.list("objects/")).objects.length;
    expect(stored).toBeGreaterThanOrEqual(10);
    const r = await pushVersion(root, store, { data: true, concurrency: 4 });
    expect(r.objects.skipped).toBeGreaterThanOrEqual(stored - 4); // writes in flight at the kill may be lost
    expect((await listVersions(store)).map((x) => [x.id, x.latest])).toEqual([[v.id, true]]);
    const ds = await VersionedDataset.open(store, { cacheDir: tempDir() });
    expect((await ds.query("SELECT count(*)::INT AS n FROM records"))[0].n).toBe(4);
    ds.close();
    await store.close();
  });
});
