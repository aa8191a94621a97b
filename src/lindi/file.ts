// A LINDI file with h5py's surface (LindiH5pyFile): open a .lindi.json, .lindi.tar or .lindi.d
// (local, or http(s) read-only) in h5py's modes, walk and read it like an HDF5 file, and in a
// writable mode add groups, datasets and attributes. The reference file system stays in memory;
// new chunks go to the backend at once, the refs on flush()/close(). Existing refs (into an
// original HDF5 file, say) are never rewritten, so amending a converted file stores only what is new.
//
//   const f = await LindiFile.open("x.nwb.lindi.tar", "r+");
//   const ds = f.get("acquisition/ts/data") as LindiDataset;
//   await ds.read("0:100");
//   await f.createDataset("processing/extra", { data: new Float32Array([1, 2, 3]) });
//   await f.close();                                      // flushes

import type { LindiBackend, OpenMode } from "./backend.ts";
import { LindiError } from "./errors.ts";
import { LindiGroup } from "./group.ts";
import { openBackend, type OpenBackendOptions } from "./open-backend.ts";
import { validateRfs, type Rfs } from "./refs.ts";
import { LindiStore } from "./store.ts";

export class LindiFile extends LindiGroup {
  private closed = false;
  private constructor(
    store: LindiStore,
    private readonly backend: LindiBackend | undefined,
  ) {
    super(store, "");
  }

  /** Open a LINDI file in one of h5py's modes (r, r+, w, w-/x, a). */
  static async open(location: string, mode: OpenMode = "r", opts: OpenBackendOptions = {}): Promise<LindiFile> {
    return LindiFile.fromBackend(await openBackend(location, mode, opts));
  }

  /** A file over an already open backend (writable when the backend is). */
  static fromBackend(backend: LindiBackend): LindiFile {
    return new LindiFile(new LindiStore(backend.rfs, { backend, writable: backend.writable }), backend);
  }

  /** A read-only file over a reference file system in memory; relative refs resolve against baseDir. */
  static fromRfs(rfs: Rfs, baseDir = "."): LindiFile {
    return new LindiFile(new LindiStore(validateRfs(rfs), { baseDir, writable: false }), undefined);
  }

  /** h5py's mode: "r" or "r+". */
  get mode(): "r" | "r+" {
    return this.store.writable ? "r+" : "r";
  }

  get filename(): string {
    return this.backend?.location ?? "";
  }

  /** The reference file system (live: what flush would write). */
  get rfs(): Rfs {
    return this.store.rfs;
  }

  /** Persist the refs (a no-op on a read-only file). */
  async flush(): Promise<void> {
    this.checkOpen();
    if (this.store.writable && this.backend) await this.backend.flush(this.store.rfs);
  }

  /** Flush when writable, then release the backend (its lock too). Closing twice is harmless. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      await this.store.close();
      await this.backend?.close();
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new LindiError(`${this.filename || "LINDI file"} is closed`);
  }
}
