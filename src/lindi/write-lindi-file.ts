// LINDI's write_lindi_file: write a whole reference file system as .lindi.json, .lindi.tar or
// .lindi.d, chosen by the extension, replacing the target atomically (a folder is built under a
// temp name and renamed into place). Inline chunks of 1000 bytes or more become blobs/<key> in a
// tar or folder; refs into a source tar ("./blobs/...") must be resolved by the caller first.
//
//   await writeLindiFile("x.nwb.lindi.tar", rfs, { generationMetadata: { generatedBy: "trove" } });

import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fsyncDir, tempNameFor, writeFileAtomic } from "./atomic-write.ts";
import { LindiError } from "./errors.ts";
import { acquireLock } from "./file-lock.ts";
import { internalName } from "./internal-name.ts";
import { kindForName } from "./open-backend.ts";
import { pyJson } from "./pyjson.ts";
import { validateRfs, type Rfs } from "./refs.ts";
import { splitBlobs } from "./tar.ts";
import { lindiTarBytes, rejectRelativeRefs, tarSizes, type TarSizeOptions } from "./tar-layout.ts";

export interface WriteLindiFileOptions extends TarSizeOptions {
  /** Stored as the file's "generationMetadata" (free-form). */
  generationMetadata?: Record<string, unknown>;
}

export async function writeLindiFile(path: string, rfs: Rfs, opts: WriteLindiFileOptions = {}): Promise<void> {
  const kind = kindForName(path);
  if (!kind) throw new LindiError(`${path}: filename must end with .lindi.json, .lindi.tar or .lindi.d`);
  const out: Rfs = validateRfs(opts.generationMetadata === undefined ? { ...rfs } : { ...rfs, generationMetadata: opts.generationMetadata });
  const lock = await acquireLock(path);
  try {
    if (kind === "json") await writeFileAtomic(path, pyJson(out));
    else if (kind === "tar") await writeFileAtomic(path, lindiTarBytes(out, tarSizes(opts)));
    else await writeLindiDir(path, out);
  } finally {
    await lock.release();
  }
}

/** A new .lindi.d; like LINDI, an existing folder is not overwritten. */
async function writeLindiDir(path: string, rfs: Rfs): Promise<void> {
  const dir = path.replace(/\/+$/, "");
  if (await stat(dir).then(() => true, () => false)) throw new LindiError(`${dir} already exists (a .lindi.d is not overwritten)`);
  rejectRelativeRefs(rfs, dir);
  const { rfs: stored, blobs } = splitBlobs(rfs);
  const tmp = tempNameFor(dir);
  await mkdir(tmp);
  try {
    const dirs = new Set<string>([tmp]);
    for (const [name, bytes] of blobs) {
      const file = join(tmp, internalName(name));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, bytes, { flush: true });
      for (let d = dirname(file); d.startsWith(tmp); d = dirname(d)) dirs.add(d);
    }
    await writeFile(join(tmp, "lindi.json"), pyJson(stored), { flush: true });
    for (const d of dirs) await fsyncDir(d);
    await rename(tmp, dir);
    await fsyncDir(dirname(dir));
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw e;
  }
}
