// The dataspace message: an object's shape. Scalar (shape []), simple (shape, max shape with
// UNLIMITED), or null (no elements; h5py.Empty).
//
//   const ds = parseDataspace(cursor);  // { kind: "simple", shape: [100, 16], maxShape: [100, 16] }

import { Cursor, UNDEF } from "./cursor.ts";

/** A max dimension with no limit. */
export const UNLIMITED = UNDEF;

export interface Dataspace {
  kind: "scalar" | "simple" | "null";
  shape: number[];
  maxShape: number[];
}

export function parseDataspace(c: Cursor): Dataspace {
  const version = c.u8();
  const rank = c.u8();
  const flags = c.u8();
  let kind: Dataspace["kind"];
  if (version === 1) {
    c.skip(5);
    kind = rank === 0 ? "scalar" : "simple";
  } else if (version === 2) {
    const type = c.u8();
    kind = type === 0 ? "scalar" : type === 1 ? "simple" : "null";
  } else {
    return c.fail(`dataspace version ${version}`);
  }
  if (rank > 32) c.fail(`dataspace rank ${rank}`);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) shape.push(c.length());
  const maxShape: number[] = [];
  if (flags & 1) for (let i = 0; i < rank; i++) maxShape.push(c.length());
  else maxShape.push(...shape);
  return { kind, shape, maxShape };
}

/** Number of elements (1 for scalar, 0 for null). */
export function elementCount(ds: Dataspace): number {
  if (ds.kind === "null") return 0;
  return ds.shape.reduce((a, b) => a * b, 1);
}
