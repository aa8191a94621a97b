// openStore against the real servers: s3:// on radosgw with the endpoint and keys from the
// environment, az:// on Azurite with a connection string, gs:// on the in-process fake, file://
// and plain paths on disk; and no secret in any URI or error message.
//
//   npx vitest run src/store/open.test.ts

import { describe, expect, it } from "vitest";
import { openStore } from "./open.ts";
import { AuthError, StoreError } from "./errors.ts";
import { startFakeGcs } from "./testing-gcs-fake.ts";
import { makeBucket, radosgw } from "../../test/support/radosgw.ts";
import { azurite } from "../../test/support/azurite.ts";
import { tempDir } from "../../test/helpers.ts";
import { BlobServiceClient } from "@azure/storage-blob";

const bytes = new Uint8Array([1, 2, 3]);

async function roundTrip(uri: string, opts: Parameters<typeof openStore>[1]) {
  const s = await openStore(uri, opts);
  await s.write("x/y.bin", bytes);
  expect([...(await s.read("x/y.bin"))]).toEqual([1, 2, 3]);
  expect((await s.list("", { delimiter: "/" })).prefixes).toEqual(["x/"]);
  await s.close();
  return s;
}

describe("openStore", () => {
  it("s3://: endpoint from TROVE_S3_ENDPOINT, keys from AWS_* (the SDK chain), path style, us-east-1", async () => {
    const { endpoint, accessKeyId, secretAccessKey } = radosgw();
    const bucket = await makeBucket();
    const env = { TROVE_S3_ENDPOINT: endpoint };
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey });
    try {
      const s = await roundTrip(`s3://${bucket}/lab/ds`, { env });
      expect(s.uri).toBe(`s3://${bucket}/lab/ds`);
      // AWS_ENDPOINT_URL works too.
      await roundTrip(`s3://${bucket}/other`, { env: { AWS_ENDPOINT_URL: endpoint } });
      // A wrong secret in the environment: AuthError, and neither the message nor the URI shows it.
      process.env.AWS_SECRET_ACCESS_KEY = "env-WRONG-secret-9x";
      const bad = await openStore(`s3://${bucket}`, { env });
      const e = await bad.read("x/y.bin").catch((err: Error) => err);
      expect(e).toBeInstanceOf(AuthError);
      expect((e as Error).message).toContain(`wrong credentials for s3://${bucket}`);
      expect((e as Error).message).toContain("SignatureDoesNotMatch");
      expect(`${(e as Error).message} ${(e as Error).stack}`).not.toContain("env-WRONG-secret-9x");
    } finally {
      process.env = saved;
    }
  });

  it("az://: the connection string from AZURE_STORAGE_CONNECTION_STRING, redacted everywhere", async () => {
    const { connectionString, accountKey, account } = azurite();
    const container = `open-${Date.now()}`;
    await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(container).create();
    const s = await roundTrip(`az://${account}/${container}/p`, { env: { AZURE_STORAGE_CONNECTION_STRING: connectionString } });
    expect(s.uri).toBe(`az://${account}/${container}/p`);
    expect(s.uri).not.toContain(accountKey);
    // Another account's connection string is refused before any request, without printing it.
    const e = await openStore(`az://other/${container}`, { env: { AZURE_STORAGE_CONNECTION_STRING: connectionString } }).catch((err: Error) => err);
    expect(e).toBeInstanceOf(StoreError);
    expect((e as Error).message).toMatch(/is for account devstoreaccount1/);
    expect((e as Error).message).not.toContain(accountKey);
    // A wrong key: AuthError, the key appears nowhere.
    const wrongKey = Buffer.from("a-wrong-key-for-azurite-123").toString("base64");
    const bad = await openStore(`az://${account}/${container}`, { connectionString: connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${wrongKey}`) });
    const err = await bad.read("x/y.bin").catch((x: Error) => x);
    expect(err).toBeInstanceOf(AuthError);
    expect(`${(err as Error).message} ${(err as Error).stack} ${bad.uri}`).not.toContain(wrongKey);
    // No credentials at all: a clear error.
    await expect(openStore(`az://${account}/${container}`, { env: {} })).rejects.toThrow(/no Azure credentials/);
  });

  it("gs://: an emulator through apiEndpoint", async () => {
    const fake = await startFakeGcs({ token: "tok" });
    fake.createBucket("gbk");
    try {
      const s = await roundTrip("gs://gbk/p", { apiEndpoint: fake.endpoint, accessToken: "tok" });
      expect(s.uri).toBe("gs://gbk/p");
    } finally {
      await fake.close();
    }
  });

  it("file:// URIs and plain paths open a local store", async () => {
    const dir = tempDir();
    const a = await roundTrip(`file://${dir}/a`, {});
    expect(a.uri).toBe(`file://${dir}/a`);
    await roundTrip(`${dir}/b`, {});
  });
});
