// What the three LINDI backends share: the refs they hold, the writer lock that makes one
// writable (released on close), the open/writable checks, and reading a range of a local file.
//
//   class DirBackend extends BackendBase { ... this.checkWritable(); ... }

import { open } from "node:fs/promises";
import { LindiError } from "./errors.ts";
import type { FileLock } from "./file-lock.ts";
import type { Rfs } from "./refs.ts";

export abstract class BackendBase {
  private closed = false;

  protected constructor(
    readonly location: string,
    protected current: Rfs,
    /** Held while the backend is writable. */
    private readonly lock?: FileLock,
  ) {}

  get writable(): boolean {
    return !!this.lock;
  }

  get rfs(): Rfs {
    return this.current;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.release();
    } finally {
      await this.lock?.release();
    }
  }

  /** Anything besides the lock to let go of on close. */
  protected async release(): Promise<void> {}

  protected checkOpen(): void {
    if (this.closed) throw new LindiError(`${this.location} is closed`);
  }

  protected checkWritable(): void {
    this.checkOpen();
    if (!this.lock) throw new LindiError(`${this.location} is open read-only`);
  }
}

/** Exactly `length` bytes at `offset` of a local file, or a LindiError naming the file. */
export async function readLocalRange(path: string, offset: number, length: number): Promise<Uint8Array> {
  const fh = await open(path, "r");
  try {
    const b = new Uint8Array(length);
    const { bytesRead } = await fh.read(b, 0, length, offset);
    if (bytesRead !== length) throw new LindiError(`${path}: holds ${bytesRead} of the ${length} bytes wanted at ${offset}`);
    return b;
  } finally {
    await fh.close();
  }
}
