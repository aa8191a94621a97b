// GcsStore against the in-process FAKE of the GCS JSON API (src/store/testing-gcs-fake.ts): no GCS
// emulator can run here. The fake checks bearer tokens, generations and md5Hash like GCS does.
//
//   npx vitest run src/store/gcs.test.ts

import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GcsStore } from "./gcs.ts";
import { startFakeGcs, type FakeGcs } from "./testing-gcs-fake.ts";
import { storeConformance } from "../../test/support/store-conformance.ts";

const TOKEN = "ya29.fake-token-for-tests";
let fake: FakeGcs;
beforeAll(async () => {
  fake = await startFakeGcs({ token: TOKEN });
});
afterAll(() => fake.close());

function bucket(): string {
  const name = `t-${randomBytes(6).toString("hex")}`;
  fake.createBucket(name);
  return name;
}

storeConformance({
  name: "GCS (in-process fake JSON API)",
  make: async () => new GcsStore({ bucket: bucket(), prefix: "lab/ds", apiEndpoint: fake.endpoint, accessToken: TOKEN }),
  wrongCredentials: async () => {
    const secret = "ya29.WRONG-token-Xk2";
    return { store: new GcsStore({ bucket: bucket(), apiEndpoint: fake.endpoint, accessToken: secret }), secret };
  },
  missingBucket: async () => ({ store: new GcsStore({ bucket: "no-such-bucket", apiEndpoint: fake.endpoint, accessToken: TOKEN }), bucket: "no-such-bucket" }),
  deadServer: async () => {
    const own = await startFakeGcs({ token: TOKEN });
    own.createBucket("b");
    return { store: new GcsStore({ bucket: "b", apiEndpoint: own.endpoint, accessToken: TOKEN }), kill: () => own.close() };
  },
});

describe("GcsStore specifics", () => {
  it("uses the generation as the etag, and names itself gs://bucket/prefix", async () => {
    const b = bucket();
    const s = new GcsStore({ bucket: b, prefix: "p", apiEndpoint: fake.endpoint, accessToken: TOKEN });
    expect(s.uri).toBe(`gs://${b}/p`);
    const w = await s.write("k", new Uint8Array([1]));
    expect(w.etag).toBe(String(fake.buckets.get(b)!.get("p/k")!.generation));
  });
});
