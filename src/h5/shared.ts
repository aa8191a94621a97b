// Shared messages: a message flagged "shared" holds a pointer to the object header (a committed
// datatype, say) that holds the real message. Messages kept in the shared-message heap (SOHM)
// are reported as unsupported.
//
//   const dtCursor = await messageCursor(ctx, msg, "/data");   // follows the pointer when shared

import type { H5Context } from "./context.ts";
import { Cursor } from "./cursor.ts";
import { H5FormatError, H5UnsupportedError } from "./errors.ts";
import { readObjectHeader, SHARED_FLAG, type RawMessage } from "./object-header.ts";

/** A cursor over the message's own bytes, or over the message it shares. */
export async function messageCursor(ctx: H5Context, msg: RawMessage, path?: string, depth = 0): Promise<Cursor> {
  const c = new Cursor(msg.data, msg.offset, ctx.sizes, path);
  if (!(msg.flags & SHARED_FLAG)) return c;
  return sharedTarget(ctx, c, msg.type, path, depth);
}

/** Follow a shared-message pointer at `c` to the message of `type` it names. */
export async function sharedTarget(ctx: H5Context, c: Cursor, type: number, path?: string, depth = 0): Promise<Cursor> {
  if (depth > 8) throw new H5FormatError("shared message chain too long", { path, offset: c.address });
  const version = c.u8();
  const kind = c.u8();
  let address: number;
  if (version === 1) {
    c.skip(6);
    address = c.offset();
  } else if (version === 2) {
    address = c.offset();
  } else if (version === 3) {
    if (kind === 1) throw new H5UnsupportedError("shared message in the shared-message heap", { path, offset: c.address });
    address = c.offset();
  } else {
    return c.fail(`shared message version ${version}`);
  }
  const oh = await readObjectHeader(ctx, address, path);
  const target = oh.messages.find((m) => m.type === type);
  if (!target) throw new H5FormatError(`shared message: no message of type ${type} in the target header`, { path, offset: ctx.abs(address) });
  return messageCursor(ctx, target, path, depth + 1);
}
