// The values HDF5 references decode to: an object reference (the address of the object header it
// points to) and a region reference (that plus a selection of the dataset's elements). Both are
// resolved to a path by H5File.dereference; region.ts parses the selections.
//
//   if (v instanceof H5RegionReference) [await file.dereference(v), v.selection.kind];  // ["/data", "hyperslab"]

/** A block of a hyperslab: first and last (inclusive) coordinate in each dimension. */
export interface Block {
  start: number[];
  end: number[];
}

export interface RegularHyperslab {
  start: number[];
  stride: number[];
  count: number[];
  block: number[];
}

export type H5Selection =
  | { kind: "none" }
  | { kind: "all" }
  | { kind: "points"; points: number[][] }
  | { kind: "hyperslab"; blocks: Block[]; regular?: RegularHyperslab };

/** An object reference: the address of the object header it points to. */
export class H5Reference {
  constructor(readonly address: number) {}
}

/** A region reference: the object (a dataset) it points into, and which of its elements. */
export class H5RegionReference extends H5Reference {
  constructor(
    address: number,
    readonly selection: H5Selection,
  ) {
    super(address);
  }
}
