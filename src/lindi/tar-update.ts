// A .lindi.tar opened for writing, grown in place the way LINDI's LindiTarFile grows it: members
// appended before the final 1024 zero bytes, lindi.json and .tar_index.json rewritten in place
// (space padded) while they fit, else the old copy trashed (`.trash/<name>.<10 letters>`) and a
// roomier one appended, with .tar_entry.json re-pointed at a relocated index.
//
//   const t = await GrowableTar.open("x.lindi.tar", tarSizes());
//   await t.append("blobs/a/0", bytes);
//   await t.writeRfs(pyJson(rfs));   // the commit
//   await t.close();
//
// Crash safety (what an interrupted writer leaves): LINDI trashes the old lindi.json/index before
// writing the new one; we write in the opposite order, so the tar always opens with the previous or
// the new lindi.json. A flush (1) appends new members (blobs from putChunk, a relocated lindi.json)
// and fsyncs, (2) commits the index: rewritten in place with one write, or appended + fsync and then
// .tar_entry.json (one 1024-byte write) re-pointed at it, fsync, (3) only then rewrites lindi.json in
// place or trashes the copies nothing points at any more, fsync. Appended-but-uncommitted members
// are invisible to readers; if an append was cut short the tail is no longer 1024 zero bytes, and
// the next writable open cuts the file back to the end of the last indexed member. In-place
// rewrites are single writes: a killed process cannot tear them, a power cut in the middle of one
// could (as with any format that updates in place).

import { open, type FileHandle } from "node:fs/promises";
import { randomInt } from "node:crypto";
import { LindiError } from "./errors.ts";
import { TAR_ENTRY_JSON_SIZE, growthSize, type TarFileInfo } from "./tar.ts";
import { ZERO_TAIL, entryJson, grownJson, indexJson, loadTarIndex, memberBytes, padJson, type TarSizes } from "./tar-layout.ts";

function randomLetters(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + randomInt(26));
  return s;
}

function memberEnd(f: TarFileInfo): number {
  return f.d + Math.ceil(f.s / 512) * 512;
}

export class GrowableTar {
  private dirty = false;

  private constructor(
    private readonly fh: FileHandle,
    readonly path: string,
    private files: TarFileInfo[],
    /** Offset of the final 1024 zero bytes, where the next member goes. */
    private end: number,
    private readonly sizes: TarSizes,
  ) {}

  static async open(path: string, sizes: TarSizes): Promise<GrowableTar> {
    const fh = await open(path, "r+");
    try {
      const { size } = await fh.stat();
      const readAt = async (at: number, n: number) => {
        const b = new Uint8Array(n);
        const { bytesRead } = await fh.read(b, 0, n, at);
        if (bytesRead !== n) throw new LindiError(`${path}: truncated tar (wanted ${n} bytes at ${at})`);
        return b;
      };
      const { files } = await loadTarIndex(readAt, size, path);
      const lastEnd = Math.max(...files.map(memberEnd));
      const tail = size >= lastEnd + ZERO_TAIL ? await readAt(size - ZERO_TAIL, ZERO_TAIL) : undefined;
      let end = size - ZERO_TAIL;
      if (!tail || tail.some((x) => x !== 0) || size % 512 !== 0) {
        // an append that never got committed (see the header comment): drop it
        await fh.truncate(lastEnd);
        await fh.write(new Uint8Array(ZERO_TAIL), 0, ZERO_TAIL, lastEnd);
        await fh.sync();
        end = lastEnd;
      }
      return new GrowableTar(fh, path, files, end, sizes);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  /** The index as it will be committed (members appended since the last flush included). */
  list(): readonly TarFileInfo[] {
    return this.files;
  }

  info(name: string): TarFileInfo | undefined {
    return this.files.find((f) => f.n === name);
  }

  async read(name: string, offset: number, length: number): Promise<Uint8Array> {
    const f = this.info(name);
    if (!f) throw new LindiError(`${this.path}: no ${name} in the tar`);
    if (offset < 0 || length < 0 || offset + length > f.s) throw new LindiError(`${this.path}: bytes ${offset}..${offset + length} pass the end of ${name} (${f.s} bytes)`);
    const b = new Uint8Array(length);
    const { bytesRead } = await this.fh.read(b, 0, length, f.d + offset);
    if (bytesRead !== length) throw new LindiError(`${this.path}: truncated tar (${name})`);
    return b;
  }

  /** Append a member before the zero tail (checked first, as LINDI does); it joins the index at the next commit. */
  async append(name: string, data: Uint8Array): Promise<TarFileInfo> {
    const { size } = await this.fh.stat();
    const tail = new Uint8Array(ZERO_TAIL);
    await this.fh.read(tail, 0, ZERO_TAIL, size - ZERO_TAIL);
    if (size !== this.end + ZERO_TAIL || tail.some((x) => x !== 0)) throw new LindiError(`${this.path}: the tar does not end with 1024 zero bytes where expected (changed by someone else?)`);
    const member = memberBytes(name, data);
    const out = new Uint8Array(member.length + ZERO_TAIL);
    out.set(member);
    await this.fh.write(out, 0, out.length, this.end);
    const info: TarFileInfo = { n: name, o: this.end, d: this.end + 512, s: data.length };
    this.end += member.length;
    this.files.push(info);
    this.dirty = true;
    return info;
  }

  /** Persist lindi.json (the commit; see the header comment for the order of writes). */
  async writeRfs(json: string): Promise<void> {
    const len = new TextEncoder().encode(json).length;
    const old = this.info("lindi.json");
    const trash: TarFileInfo[] = [];
    let inPlace: Uint8Array | undefined;
    if (old && old.s >= len) inPlace = padJson(json, old.s);
    else {
      if (old) {
        trash.push(old);
        this.files = this.files.filter((f) => f !== old);
      }
      await this.append("lindi.json", grownJson(json, this.sizes.lindiJson));
    }
    await this.fh.sync();
    if (this.dirty) trash.push(...(await this.commitIndex()));
    if (inPlace) await this.fh.write(inPlace, 0, inPlace.length, old!.d);
    for (const f of trash) await this.trash(f);
    await this.fh.sync();
  }

  /** Write the index; returns the old index member when it had to move (to trash once committed). */
  private async commitIndex(): Promise<TarFileInfo[]> {
    const cur = this.info(".tar_index.json");
    if (!cur) throw new LindiError(`${this.path}: .tar_index.json missing from the index`);
    const json = indexJson(this.files);
    if (json.length <= cur.s) {
      await this.fh.write(padJson(json, cur.s), 0, cur.s, cur.d);
      await this.fh.sync();
      this.dirty = false;
      return [];
    }
    this.files = this.files.filter((f) => f !== cur);
    // LINDI sizes the new index from the listing without itself; grow further only if that is short
    let cap = growthSize(indexJson(this.files).length, this.sizes.index);
    const self = (s: number): TarFileInfo => ({ n: ".tar_index.json", o: this.end, d: this.end + 512, s });
    while (indexJson([...this.files, self(cap)]).length > cap) cap = growthSize(indexJson([...this.files, self(cap)]).length, this.sizes.index);
    const content = padJson(indexJson([...this.files, self(cap)]), cap);
    const info = await this.append(".tar_index.json", content);
    await this.fh.sync();
    await this.fh.write(padJson(entryJson(info), TAR_ENTRY_JSON_SIZE), 0, TAR_ENTRY_JSON_SIZE, 512);
    await this.fh.sync();
    this.dirty = false;
    return [cur];
  }

  /** LINDI's trash_file for a member already dropped from the index: dashes over the data, header renamed. */
  private async trash(f: TarFileInfo): Promise<void> {
    await this.fh.write(new Uint8Array(f.s).fill(0x2d), 0, f.s, f.d);
    const h = new Uint8Array(512);
    await this.fh.read(h, 0, 512, f.o);
    const name = new TextEncoder().encode(`.trash/${f.n}.${randomLetters(10)}`);
    if (name.length > 100) throw new LindiError(`${this.path}: trash name for ${f.n} is longer than 100 bytes`);
    h.fill(0, 0, 100);
    h.set(name, 0);
    h.fill(0, 345, 500);
    h.fill(0x20, 148, 156);
    const sum = h.reduce((a, b) => a + b, 0);
    h.set(new TextEncoder().encode(sum.toString(8).padStart(6, "0") + "\0 "), 148);
    await this.fh.write(h, 0, 512, f.o);
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
