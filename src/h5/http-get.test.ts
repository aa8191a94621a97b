// httpGet against a real node:http server on 127.0.0.1: a whole file in one request (after a
// retried 503), a download stopped after its head, and a 404 that is not retried.
//
//   npx vitest run src/h5/http-get.test.ts

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../test/fixtures.ts";
import { H5RemoteError } from "./errors.ts";
import { httpGet } from "./http-get.ts";
import { startRangeServer, type RangeServer } from "./testing-http.ts";

const big = join(repoRoot, "test", "fixtures", "h5", "big.h5");
let srv: RangeServer;
beforeAll(async () => {
  srv = await startRangeServer({ files: { "/big.h5": big } });
});
afterAll(() => srv.close());

describe("httpGet", () => {
  it("downloads a whole file in one request, retrying a 503", async () => {
    srv.set({ fail503: 1 });
    const before = srv.log.length;
    const whole = await httpGet(srv.url("/big.h5"), { retryDelayMs: 5 });
    expect(srv.log.length - before).toBe(2);
    expect(srv.log.at(-1)!.range).toBeUndefined();
    expect(whole.stopped).toBe(false);
    expect(Buffer.from(whole.bytes)).toEqual(readFileSync(big));
  });

  it("stops after the head when stopIf says so", async () => {
    const head = await httpGet(srv.url("/big.h5"), { stopIf: (h) => h[1] === 0x48 }); // "\x89HDF"
    expect(head.stopped).toBe(true);
    expect(head.bytes.length).toBeGreaterThanOrEqual(512);
    expect(head.bytes.length).toBeLessThan(readFileSync(big).length);
  });

  it("gives a 404 at once as an H5RemoteError, and cuts bodies over maxBytes", async () => {
    const before = srv.log.length;
    const err = (await httpGet(srv.url("/nope"), { retryDelayMs: 5 }).catch((e: unknown) => e)) as H5RemoteError;
    expect(err).toBeInstanceOf(H5RemoteError);
    expect(err.status).toBe(404);
    expect(srv.log.length - before).toBe(1);
    await expect(httpGet(srv.url("/big.h5"), { maxBytes: 1000 })).rejects.toThrow(/over the 1000-byte limit/);
  });
});
