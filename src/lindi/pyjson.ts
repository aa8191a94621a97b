// JSON text laid out the way Python's json.dump(obj, indent=2, sort_keys=True) lays it out, which
// is how LINDI writes .lindi.json files (ensure_ascii: non-ASCII written as \u escapes of 4 hex digits).
//
//   pyJson({ b: [1], a: {} });   // '{\n  "a": {},\n  "b": [\n    1\n  ]\n}'

function str(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

export function pyJson(v: unknown, indent = 2, level = 0): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return str(v);
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    return JSON.stringify(v);
  }
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return v ? "true" : "false";
  const pad = "\n" + " ".repeat(indent * (level + 1));
  const end = "\n" + " ".repeat(indent * level);
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return "[" + v.map((x) => pad + pyJson(x, indent, level + 1)).join(",") + end + "]";
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort(); // ASCII keys: code-unit order equals Python's code-point order
  if (keys.length === 0) return "{}";
  return "{" + keys.map((k) => pad + str(k) + ": " + pyJson(o[k], indent, level + 1)).join(",") + end + "}";
}
