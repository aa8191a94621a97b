// Store URI parsing and printing, and redaction of secrets from text (no servers needed).
//
//   npx vitest run src/store/uri.test.ts

import { describe, expect, it } from "vitest";
import { BadStoreUriError, formatStoreUri, isStoreUri, parseStoreUri } from "./uri.ts";
import { redact } from "./redact.ts";
import { KeyMapper } from "./keys.ts";

describe("parseStoreUri", () => {
  it("reads every scheme, with and without a prefix", () => {
    expect(parseStoreUri("s3://lab/ds/v1/")).toEqual({ scheme: "s3", bucket: "lab", prefix: "ds/v1" });
    expect(parseStoreUri("s3://lab")).toEqual({ scheme: "s3", bucket: "lab", prefix: "" });
    expect(parseStoreUri("gs://my-bucket/x")).toEqual({ scheme: "gs", bucket: "my-bucket", prefix: "x" });
    expect(parseStoreUri("az://acct/cont/a/b")).toEqual({ scheme: "az", account: "acct", container: "cont", prefix: "a/b" });
    expect(parseStoreUri("file:///data/ds")).toEqual({ scheme: "file", path: "/data/ds" });
    expect(parseStoreUri("/data/ds")).toEqual({ scheme: "file", path: "/data/ds" });
    expect(parseStoreUri("rel/dir").scheme).toBe("file");
    expect(isStoreUri("s3://x")).toBe(true);
    expect(isStoreUri("./x")).toBe(false);
  });

  it("prints them back", () => {
    for (const u of ["s3://lab/ds/v1", "gs://bkt", "az://acct/cont/p", "file:///data/ds"]) expect(formatStoreUri(parseStoreUri(u))).toBe(u);
  });

  it("refuses unknown schemes, missing parts and credentials in the URI, without echoing them", () => {
    expect(() => parseStoreUri("ftp://x/y")).toThrow(/unknown store scheme "ftp:\/\/"/);
    expect(() => parseStoreUri("az://acct")).toThrow(/az:\/\/account\/container/);
    expect(() => parseStoreUri("s3://")).toThrow(BadStoreUriError);
    expect(() => parseStoreUri("s3://Bad_Bucket!")).toThrow(/not a valid bucket name/);
    let msg = "";
    try {
      parseStoreUri("s3://AKIAXX:sup3r-secret@bucket/p");
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toMatch(/may not contain credentials/);
    expect(msg).not.toContain("sup3r-secret");
  });
});

describe("redact", () => {
  it("removes known secrets and credential-shaped text", () => {
    const cs = "DefaultEndpointsProtocol=http;AccountName=a;AccountKey=abc/def==;BlobEndpoint=http://x";
    expect(redact(cs)).toBe("DefaultEndpointsProtocol=http;AccountName=a;AccountKey=***;BlobEndpoint=http://x");
    expect(redact("https://a.blob.core.windows.net/c?sv=1&sig=XYZ%3D&se=2")).toBe("https://a.blob.core.windows.net/c?sv=1&sig=***&se=2");
    expect(redact("Authorization: Bearer ya29.abc-def")).toBe("Authorization: Bearer ***");
    expect(redact("the key is hunter22 ok", ["hunter22"])).toBe("the key is *** ok");
  });
});

describe("KeyMapper", () => {
  it("maps keys under a prefix and refuses keys that climb out", () => {
    const k = new KeyMapper("/lab/ds/");
    expect(k.toName("a/b")).toBe("lab/ds/a/b");
    expect(k.toName("")).toBe("lab/ds/");
    expect(k.fromName("lab/ds/a/")).toBe("a/");
    expect(new KeyMapper("").toName("a")).toBe("a");
    expect(() => k.toName("../x")).toThrow(/may not contain/);
    expect(() => k.toName("/x")).toThrow(/relative/);
  });
});
