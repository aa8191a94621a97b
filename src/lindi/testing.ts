// Test support: the canonical, JSON-comparable form of values on both sides of a LINDI round trip
// (numbers and 64-bit integers as strings, references as their paths, objects with sorted keys).
//
//   expect(canonValues(lindiValues)).toEqual(canonValues(expected.values));

export function canonValues(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "number") return Number.isNaN(v) ? "NaN" : v === Infinity ? "Inf" : v === -Infinity ? "-Inf" : String(v);
  if (typeof v === "bigint") return String(v);
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>, canonValues);
  if (Array.isArray(v)) return v.map(canonValues);
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    if (o._REFERENCE && typeof o._REFERENCE === "object") return (o._REFERENCE as { path: string }).path;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) out[k] = canonValues(o[k]);
    return out;
  }
  return v;
}
