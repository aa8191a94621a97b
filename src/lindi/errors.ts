// The error LINDI code throws: a reference file system that is malformed, or an HDF5 feature LINDI
// cannot express (external links, region references, unsupported filters).
//
//   throw new LindiError("refs.a: expected a string, an object or [url, offset, length]");

import { TroveError } from "../errors.ts";

export class LindiError extends TroveError {
  override name = "LindiError";
}
