// Array values as text or exact JSON, for `trove lindi cat` and anything else that prints arrays.
// JSON keeps every value exact: 64-bit integers (bigint) become strings, NaN and ±Infinity the
// strings "NaN", "Infinity", "-Infinity" (as LINDI writes them), bytes base64; objects and
// arrays recurse. Values are nested by shape, as numpy's tolist() would.
//
//   toNestedJson(new BigInt64Array([1n, 2n, 3n, 4n]), [2, 2]);  // [["1","2"],["3","4"]]
//   toText(new Float32Array([1, NaN]), [2]);                    // "1\nNaN\n"

export type ValueList = ArrayLike<unknown>;

/** One value made JSON-safe without losing anything. */
export function exactJson(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isFinite(v) ? v : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  if (v instanceof Uint8Array) return { base64: Buffer.from(v).toString("base64") };
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<unknown>, exactJson);
  if (Array.isArray(v)) return v.map(exactJson);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, exactJson(x)]));
  return v;
}

/** Row-major values as nested lists by shape ([] shape: the single value). */
export function toNestedJson(values: ValueList, shape: number[]): unknown {
  if (shape.length === 0) return exactJson(values[0]);
  let pos = 0;
  const build = (d: number): unknown[] => {
    const out: unknown[] = [];
    for (let i = 0; i < shape[d]; i++) out.push(d === shape.length - 1 ? exactJson(values[pos++]) : build(d + 1));
    return out;
  };
  return build(0);
}

function cell(v: unknown): string {
  if (typeof v === "string") return v;
  const j = exactJson(v);
  return typeof j === "string" ? j : typeof j === "object" && j !== null ? JSON.stringify(j) : String(j);
}

/**
 * Plain text: one value per line for 0-D and 1-D; rows of tab-separated values for 2-D; higher
 * ranks print each 2-D slice under a "[i, j, :, :]" header.
 */
export function toText(values: ValueList, shape: number[]): string {
  if (shape.length <= 1) {
    let s = "";
    for (let i = 0; i < values.length; i++) s += cell(values[i]) + "\n";
    return s;
  }
  const rows = shape[shape.length - 2];
  const cols = shape[shape.length - 1];
  const outer = shape.slice(0, -2);
  const blocks = outer.reduce((a, b) => a * b, 1);
  const lines: string[] = [];
  for (let b = 0; b < blocks; b++) {
    if (outer.length) {
      const idx: number[] = [];
      let r = b;
      for (let d = outer.length - 1; d >= 0; d--) {
        idx.unshift(r % outer[d]);
        r = Math.floor(r / outer[d]);
      }
      if (b > 0) lines.push("");
      lines.push(`[${idx.join(", ")}, :, :]`);
    }
    for (let i = 0; i < rows; i++) {
      const start = (b * rows + i) * cols;
      const row: string[] = [];
      for (let j = 0; j < cols; j++) row.push(cell(values[start + j]));
      lines.push(row.join("\t"));
    }
  }
  return lines.join("\n") + (lines.length ? "\n" : "");
}
