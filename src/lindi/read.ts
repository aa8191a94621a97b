// Deprecated: the first read-only LINDI API (new LindiFile(rfs, dir).readArray(path)), kept as a thin
// layer over the h5py-like API (file.ts, dataset.ts) until its last user, reference.test.ts,
// moves over. New code: LindiFile from file.ts.
//
//   const f = await LindiFile.open("x.nwb.lindi.json");
//   const a = await f.readArray("acquisition/ts/data");   // { shape, dtype, values, attrs }

import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { LindiDataset, type Zarray } from "./dataset.ts";
import type { ArrayValues } from "./dtype.ts";
import { LindiError } from "./errors.ts";
import { LindiFile as H5pyLikeFile } from "./file.ts";
import { parseRfs, type Rfs } from "./refs.ts";
import { isHttpUrl } from "../h5/open-reader.ts";
import { loadRemoteRfs } from "./remote-rfs.ts";
import { isUstar, readLindiTar } from "./tar.ts";

export { compoundRows, toValues, type ArrayValues } from "./dtype.ts";
export type { Zarray } from "./dataset.ts";

export interface LindiArray {
  shape: number[];
  dtype: string;
  scalar: boolean;
  attrs: Record<string, unknown>;
  values: ArrayValues;
}

export class LindiFile {
  private readonly file: H5pyLikeFile;
  constructor(
    readonly rfs: Rfs,
    readonly baseDir: string,
  ) {
    this.file = H5pyLikeFile.fromRfs(rfs, baseDir);
  }

  /**
   * A .lindi.json, or a .lindi.tar (by its ustar magic; "./" refs made absolute), local or at an
   * http(s) URL: a remote JSON is one GET, a remote tar a few range requests, and its "./blobs/x"
   * refs become ranges of the tar URL.
   */
  static async open(path: string): Promise<LindiFile> {
    if (isHttpUrl(path)) {
      const { rfs, reader } = await loadRemoteRfs(path);
      await reader?.close();
      return new LindiFile(rfs, path);
    }
    const bytes = await readFile(path);
    if (isUstar(bytes.subarray(0, 512))) return new LindiFile((await readLindiTar(resolve(path))).rfs, dirname(resolve(path)));
    if (bytes.subarray(0, 512).includes(0)) throw new LindiError(`${path}: binary, but not a tar`);
    return new LindiFile(parseRfs(bytes.toString("utf8")), dirname(resolve(path)));
  }

  has(key: string): boolean {
    return Object.hasOwn(this.rfs.refs, key);
  }

  attrs(path: string): Record<string, unknown> {
    return this.dataset(path)?.attrs.raw() ?? this.file.get(path)?.attrs.raw() ?? {};
  }

  zarray(path: string): Zarray {
    const d = this.dataset(path);
    if (!d) throw new LindiError(`${path || "/"} is not an array`);
    return d.zarray;
  }

  async readArray(path: string): Promise<LindiArray> {
    const d = this.dataset(path);
    if (!d) throw new LindiError(`${path || "/"} is not an array`);
    const z = d.zarray;
    return { shape: z.shape, dtype: z.dtype, scalar: d.scalar, attrs: d.attrs.raw(), values: await d.read() };
  }

  private dataset(path: string): LindiDataset | undefined {
    const d = this.file.get(path);
    return d instanceof LindiDataset ? d : undefined;
  }
}
