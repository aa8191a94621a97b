// Name-based UUIDs (RFC 9562 version 5, SHA-1): the same name always gives the same id, so a ONE
// cache built twice from the same tree has the same ids (ONE's own builder draws a random
// namespace per run).
//
//   uuid5(TROVE_ONE_NAMESPACE, "mylab/mysub/2021-02-28/001") // "…-5…-…", the same every time

import { createHash } from "node:crypto";

/** trove's fixed namespace for ONE ids: uuid5(NAMESPACE_URL, "https://trove.invalid/one"). */
export const TROVE_ONE_NAMESPACE = "2d115545-c04e-5c7d-af00-943b81745331";

export function uuid5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replaceAll("-", ""), "hex");
  if (ns.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const bytes = createHash("sha1").update(ns).update(name, "utf8").digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
