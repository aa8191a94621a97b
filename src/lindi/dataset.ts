// A LINDI dataset (a zarr v2 array in the reference file system), h5py-style: shape, dtype, chunks,
// attrs, and read(selection) — only the chunks the selection touches are fetched and decoded
// (codecs.ts), missing chunks take the fill value, short chunks are zero-padded. Values come back
// as typed arrays for numbers, strings for |S/<U and string object arrays, booleans for |b1,
// objects keyed by field name for _COMPOUND_DTYPE rows, and references as LINDI's
// {_REFERENCE: {path, ...}} objects (pass one to file.get to dereference it).
//
//   const ds = (await f.get("acquisition/ts/data")) as LindiDataset;
//   ds.shape; ds.dtype; ds.chunks; ds.attrs.get("unit");
//   await ds.read("0:100, 3");          // Float32Array of 100

import { readSelection, readSelectionItems } from "../array/chunked.ts";
import { parseSelection, type Selection, type SelectionInput } from "../array/selection.ts";
import { H5Dataset, H5File } from "../h5/index.ts";
import { LindiAttributes, type LindiReference } from "./attributes.ts";
import { decodeChunk, jsonChunkItems } from "./codecs.ts";
import { compoundRows, fillElement, itemsize, OBJECT_DTYPE, toValues, type ArrayValues } from "./dtype.ts";
import { LindiError } from "./errors.ts";
import { join, type LindiStore } from "./store.ts";
import type { Codec } from "./zarr-meta.ts";

export interface Zarray {
  shape: number[];
  chunks: number[];
  dtype: string;
  fill_value: unknown;
  compressor: Codec | null;
  filters: Codec[] | null;
  order: string;
}

export type CompoundField = [name: string, type: string];

export interface LindiReadOptions {
  /** Refuse to assemble more bytes than this (default 256 MiB). */
  maxBytes?: number;
}

export class LindiDataset {
  readonly kind = "dataset";
  readonly attrs: LindiAttributes;
  constructor(
    private readonly store: LindiStore,
    /** Zarr key prefix, no leading slash ("" never: the root is a group). */
    readonly key: string,
  ) {
    this.attrs = new LindiAttributes(store, key);
  }

  /** The h5py name: "/" + key. */
  get name(): string {
    return "/" + this.key;
  }

  get zarray(): Zarray {
    const z = this.store.meta(join(this.key, ".zarray"));
    if (!z) throw new LindiError(`${this.name} is not an array`);
    return z as unknown as Zarray;
  }

  /** An HDF5 scalar dataset (stored as shape [1] with _SCALAR). */
  get scalar(): boolean {
    return this.attrs.raw()._SCALAR === true;
  }

  /** h5py's shape: [] for a scalar. */
  get shape(): number[] {
    return this.scalar ? [] : this.zarray.shape;
  }

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** numpy's dtype string ("<i2", "|S5", "|O"), or the [name, type] fields of a compound. */
  get dtype(): string | CompoundField[] {
    return this.compound ?? this.zarray.dtype;
  }

  get compound(): CompoundField[] | undefined {
    return this.attrs.raw()._COMPOUND_DTYPE as CompoundField[] | undefined;
  }

  get chunks(): number[] | null {
    return this.scalar ? null : this.zarray.chunks;
  }

  /** The _EXTERNAL_ARRAY_LINK, when the chunks live only in the HDF5 file. */
  get externalLink(): { link_type: string; url: string; name: string } | undefined {
    return this.attrs.raw()._EXTERNAL_ARRAY_LINK as { link_type: string; url: string; name: string } | undefined;
  }

  /** A reference to this dataset, to store in an attribute or object array. */
  get ref(): LindiReference {
    return makeReference(this.store, this.name, this.attrs.raw().object_id);
  }

  /** The selected values (everything by default), row-major. */
  async read(selection?: Selection | SelectionInput, opts: LindiReadOptions = {}): Promise<ArrayValues> {
    const sel = typeof selection === "object" && selection !== null && !Array.isArray(selection) ? selection : parseSelection(selection, this.shape);
    const link = this.externalLink;
    if (link) return this.readExternal(link, sel, opts);
    const z = this.zarray;
    if (z.order !== "C") throw new LindiError(`${this.name}: order ${z.order} is not supported`);
    // a scalar is a one-element zarr array; its (empty) selection reads that element
    const zsel = this.scalar ? parseSelection("0", [1]) : sel;
    const grid = { shape: z.shape, chunks: z.chunks, selection: zsel };
    const chunkKey = (c: number[]) => join(this.key, c.length ? c.join(".") : "0");
    if (z.dtype === OBJECT_DTYPE) {
      const items = await readSelectionItems({
        ...grid,
        fill: z.fill_value ?? null,
        maxItems: opts.maxBytes === undefined ? undefined : Math.floor(opts.maxBytes / 8),
        chunk: async (c) => {
          const key = chunkKey(c);
          const b = await this.store.bytes(key);
          return b && jsonChunkItems(await decodeChunk(b, z.compressor, z.filters, key), z.shape.length, key);
        },
      });
      const cd = this.compound;
      return cd ? compoundRows(items, cd) : items;
    }
    const bytes = await readSelection({
      ...grid,
      itemSize: itemsize(z.dtype),
      fill: fillElement(z.fill_value, z.dtype),
      maxBytes: opts.maxBytes,
      chunk: async (c) => {
        const key = chunkKey(c);
        const b = await this.store.bytes(key);
        return b && (await decodeChunk(b, z.compressor, z.filters, key));
      },
    });
    return toValues(bytes, z.dtype, zsel.count);
  }

  /** LINDI reads _EXTERNAL_ARRAY_LINK datasets from the HDF5 file itself. */
  private async readExternal(link: { url: string; name: string }, sel: Selection, opts: LindiReadOptions): Promise<ArrayValues> {
    const file = await H5File.openSource(link.url);
    try {
      const ds = await file.get("/" + link.name);
      if (!(ds instanceof H5Dataset)) throw new LindiError(`${this.name}: _EXTERNAL_ARRAY_LINK target ${link.name} is not a dataset`);
      return (await ds.read({ selection: sel, maxBytes: opts.maxBytes })) as ArrayValues;
    } finally {
      await file.close();
    }
  }
}

/** LINDI's _REFERENCE for an object: its path, its object_id, the file's object_id. */
export function makeReference(store: LindiStore, path: string, objectId: unknown): LindiReference {
  const root = store.meta(".zattrs") ?? {};
  return {
    _REFERENCE: {
      object_id: typeof objectId === "string" ? objectId : null,
      path,
      source: ".",
      source_object_id: typeof root.object_id === "string" ? root.object_id : null,
    },
  };
}
