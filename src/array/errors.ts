// Errors of the array helpers: a selection that does not fit the array's shape, or a read that
// would assemble more bytes than allowed.
//
//   throw new SelectionError(`index 12 is out of range for axis 0 with size 10`);

import { TroveError } from "../errors.ts";

export class SelectionError extends TroveError {
  override name = "SelectionError";
}

export class ReadTooLargeError extends TroveError {
  override name = "ReadTooLargeError";
}
