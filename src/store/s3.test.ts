// S3Store against a real Ceph radosgw (started by test/setup/radosgw.ts): the shared conformance
// suite, plus what is S3-specific (a prefix, Content-MD5 fallback on a server that ignores
// x-amz-checksum-sha256, the composite ETag check of multipart uploads).
//
//   npx vitest run src/store/s3.test.ts

import { createHash } from "node:crypto";
import { ListMultipartUploadsCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { ChecksumMismatchError } from "./errors.ts";
import { S3Store } from "./s3.ts";
import { storeConformance } from "../../test/support/store-conformance.ts";
import { extraRadosgw, makeBucket, radosgw, s3Options } from "../../test/support/radosgw.ts";

const small = { multipartThreshold: 16 * 1024 * 1024, partSize: 5 * 1024 * 1024 };

storeConformance({
  name: "S3 (radosgw)",
  make: async () => new S3Store({ ...s3Options(await makeBucket()), prefix: "lab/ds", ...small }),
  wrongCredentials: async () => {
    const bucket = await makeBucket();
    const secret = "WRONG-secret-Zq8xY2";
    const o = s3Options(bucket);
    return { store: new S3Store({ ...o, credentials: { accessKeyId: o.credentials.accessKeyId, secretAccessKey: secret } }), secret };
  },
  missingBucket: async () => ({ store: new S3Store(s3Options("no-such-bucket-xyz")), bucket: "no-such-bucket-xyz" }),
  deadServer: async () => {
    const gw = await extraRadosgw();
    return { store: new S3Store(s3Options(await makeBucket(), gw.endpoint)), kill: () => gw.kill() };
  },
});

describe("S3Store specifics", () => {
  it("keeps keys under its prefix and names itself without credentials", async () => {
    const bucket = await makeBucket();
    const s = new S3Store({ ...s3Options(bucket), prefix: "/lab/ds/" });
    expect(s.uri).toBe(`s3://${bucket}/lab/ds`);
    await s.write("k", new Uint8Array([1]));
    const root = new S3Store(s3Options(bucket));
    expect((await root.list("")).objects.map((o) => o.key)).toEqual(["lab/ds/k"]);
    expect(s.uri).not.toContain(radosgw().secretAccessKey);
  });

  it("hashes a multipart body while sending it: a wrong sha256 aborts the upload, nothing appears", async () => {
    const bucket = await makeBucket();
    const s = new S3Store({ ...s3Options(bucket), ...small });
    const large = new Uint8Array(17 * 1024 * 1024).map((_, i) => i * 7);
    const e = await s.write("big", large, { sha256: "0".repeat(64) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ChecksumMismatchError);
    expect(await s.stat("big")).toBeUndefined();
    const uploads = await s.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    expect(uploads.Uploads ?? []).toEqual([]); // aborted, not left to be billed
    const sha = createHash("sha256").update(large).digest("hex");
    const w = await s.write("big", large, { sha256: sha });
    expect(w.etag).toMatch(/-4$/); // 5 MiB parts
    expect(createHash("sha256").update(await s.read("big")).digest("hex")).toBe(sha);
    await s.close();
  });

  it("a restarted radosgw serves again (the kill/restart helper other tests use)", async () => {
    const gw = await extraRadosgw();
    const s = new S3Store(s3Options(await makeBucket(), gw.endpoint));
    await s.write("x", new Uint8Array([1, 2]));
    await gw.restart();
    expect([...(await s.read("x"))]).toEqual([1, 2]);
    await gw.stop();
  }, 60_000);
});
