// AzureStore against a real Azurite (started by test/setup/azurite.ts): the shared conformance
// suite, plus connection-string redaction.
//
//   npx vitest run src/store/azure.test.ts

import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { BlobServiceClient } from "@azure/storage-blob";
import { AzureStore } from "./azure.ts";
import { storeConformance } from "../../test/support/store-conformance.ts";
import { azurite, extraAzurite } from "../../test/support/azurite.ts";

async function makeContainer(connectionString = azurite().connectionString): Promise<string> {
  const name = `t-${randomBytes(6).toString("hex")}`;
  await BlobServiceClient.fromConnectionString(connectionString).getContainerClient(name).create();
  return name;
}

const WRONG_KEY = Buffer.from("definitely-not-the-azurite-key-Qw7").toString("base64");

storeConformance({
  name: "Azure (Azurite)",
  make: async () => new AzureStore({ connectionString: azurite().connectionString, container: await makeContainer(), prefix: "lab/ds" }),
  wrongCredentials: async () => {
    const container = await makeContainer();
    const cs = azurite().connectionString.replace(/AccountKey=[^;]+/, `AccountKey=${WRONG_KEY}`);
    return { store: new AzureStore({ connectionString: cs, container }), secret: WRONG_KEY };
  },
  missingBucket: async () => ({ store: new AzureStore({ connectionString: azurite().connectionString, container: "no-such-container" }), bucket: "no-such-container" }),
  deadServer: async () => {
    const az = await extraAzurite();
    const store = new AzureStore({ connectionString: az.connectionString, container: await makeContainer(az.connectionString) });
    return { store, kill: () => az.kill() };
  },
});

describe("AzureStore specifics", () => {
  it("names itself az://account/container/prefix, without the key", async () => {
    const container = await makeContainer();
    const s = new AzureStore({ connectionString: azurite().connectionString, container, prefix: "lab/ds/" });
    expect(s.uri).toBe(`az://devstoreaccount1/${container}/lab/ds`);
    expect(s.uri).not.toContain(azurite().accountKey);
  });

  it("accepts an account name and key instead of a connection string", async () => {
    const container = await makeContainer();
    const { account, accountKey, endpoint } = azurite();
    const s = new AzureStore({ account, accountKey, endpoint, container });
    await s.write("k", new Uint8Array([7]));
    expect([...(await s.read("k"))]).toEqual([7]);
  });
});
