// One way to open bytes wherever they live: an http(s) URL through HttpRangeReader, a file:// URL
// or a plain path through LocalFileReader.
//
//   const r = await openRangeReader("https://host/x.nwb");   // or "/data/x.nwb", "file:///data/x.nwb"
//   const f = await H5File.open(r);

import { fileURLToPath } from "node:url";
import { HttpRangeReader, type HttpRangeReaderOptions } from "./http-reader.ts";
import { LocalFileReader, type LocalFileReaderOptions, type RangeReader } from "./reader.ts";

export interface OpenReaderOptions {
  http?: HttpRangeReaderOptions;
  local?: LocalFileReaderOptions;
}

export function isHttpUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** A file:// URL as a path; anything else as given. */
export function localPath(pathOrUrl: string): string {
  return /^file:\/\//i.test(pathOrUrl) ? fileURLToPath(pathOrUrl) : pathOrUrl;
}

export async function openRangeReader(pathOrUrl: string, opts: OpenReaderOptions = {}): Promise<RangeReader> {
  if (isHttpUrl(pathOrUrl)) return HttpRangeReader.open(pathOrUrl, opts.http);
  return LocalFileReader.open(localPath(pathOrUrl), opts.local);
}
