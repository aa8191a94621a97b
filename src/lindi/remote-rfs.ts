// The reference file system of a LINDI file at an http(s) URL: a .lindi.json is one plain GET; a
// .lindi.tar (a name ending in .tar, or a GET whose first 512 bytes are a ustar header, which is
// then cut off) is read by range requests, its "./blobs/x" refs turned into ranges of the tar URL.
//
//   const { rfs, kind, reader } = await loadRemoteRfs("https://host/x.lindi.tar");
//   // reader: the tar's HttpRangeReader, first blocks cached: hand it to RefReader.adopt or close it

import { safeUrl } from "../h5/errors.ts";
import { httpGet } from "../h5/http-get.ts";
import { HttpRangeReader, type HttpRangeReaderOptions } from "../h5/http-reader.ts";
import { LindiError } from "./errors.ts";
import { parseRfs, type Rfs } from "./refs.ts";
import { isUstar, readLindiTar } from "./tar.ts";

export interface RemoteRfs {
  rfs: Rfs;
  kind: "json" | "tar";
  /** For a tar, its open reader (the caller closes it). */
  reader?: HttpRangeReader;
}

export async function loadRemoteRfs(url: string, http: HttpRangeReaderOptions = {}): Promise<RemoteRfs> {
  const shown = safeUrl(url);
  if (!/\.tar$/i.test(new URL(url).pathname)) {
    const got = await httpGet(url, { timeoutMs: http.timeoutMs, retries: http.retries, retryDelayMs: http.retryDelayMs, headers: http.headers, stopIf: isUstar });
    if (!got.stopped) {
      if (got.bytes.subarray(0, 512).includes(0)) throw new LindiError(`${shown}: binary, but not a tar`);
      try {
        return { rfs: parseRfs(Buffer.from(got.bytes).toString("utf8")), kind: "json" };
      } catch (e) {
        throw new LindiError(`${shown}: ${(e as Error).message}`);
      }
    }
  }
  const reader = await HttpRangeReader.open(url, http);
  try {
    return { rfs: (await readLindiTar(reader, url)).rfs, kind: "tar", reader };
  } catch (e) {
    await reader.close();
    throw e;
  }
}
