// JSON text laid out the way Python's json.dump(obj, indent=2, sort_keys=True) lays it out, which
// is how LINDI writes .lindi.json files (ensure_ascii: non-ASCII written as \u escapes of 4 hex
// digits), or compact like numcodecs' JSON codec (indent null: separators "," and ":").
// A JS number cannot say whether it was a Python float: values that were floats are wrapped in
// PyFloat and written like Python's repr (2.0, 1e-05, 1.5e+16), plain numbers as ints.
// plainFloats turns the PyFloats of a .zattrs/.zarray object back into numbers (readers of the
// reference file system see plain numbers) while remembering where they were, for pyJson.
//
//   pyJson({ b: [1], a: {} });                       // '{\n  "a": {},\n  "b": [\n    1\n  ]\n}'
//   pyJson([new PyFloat(-1), 2, new PyFloat(1e-5)], null);   // '[-1.0,2,1e-05]'
//   const z = plainFloats({ fill_value: new PyFloat(0) });  // { fill_value: 0 }; pyJson writes 0.0

/** A number that Python holds as a float. JSON.stringify sees the plain number. */
export class PyFloat {
  constructor(readonly value: number) {}
  toJSON(): number {
    return this.value;
  }
}

/** Python's repr(float): shortest round-trip digits, exponent form when exp < -4 or exp >= 16. */
export function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity"; // json's allow_nan spelling
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  // toExponential() without digits gives JS's shortest round-trip digits, the same digits as Python's repr
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(v.toExponential())!;
  const [, sign, first, rest = "", expText] = m;
  const exp = Number(expText);
  const digits = first + rest;
  if (exp < -4 || exp >= 16) {
    const e = Math.abs(exp).toString().padStart(2, "0");
    return `${sign}${first}${rest ? "." + rest : ""}e${exp < 0 ? "-" : "+"}${e}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const int = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  const frac = digits.slice(exp + 1);
  return `${sign}${int}.${frac || "0"}`;
}

/** Containers (objects, arrays) -> the keys (array indices as strings) holding Python floats. */
const FLOAT_KEYS = new WeakMap<object, Set<string>>();

/** Replace, in place, the PyFloats of a tree of objects and arrays by their numbers, marking them as floats for pyJson. */
export function plainFloats<T extends object>(tree: T): T {
  const o = tree as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v instanceof PyFloat) {
      o[k] = v.value;
      let keys = FLOAT_KEYS.get(o);
      if (!keys) FLOAT_KEYS.set(o, (keys = new Set()));
      keys.add(k);
    } else if (v && typeof v === "object") plainFloats(v);
  }
  return tree;
}

function str(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/** indent null: compact, as json.dumps(obj, separators=(",", ":"), sort_keys=True). */
export function pyJson(v: unknown, indent: number | null = 2, level = 0): string {
  if (v === null || v === undefined) return "null";
  if (typeof v === "string") return str(v);
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    return JSON.stringify(v);
  }
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "boolean") return v ? "true" : "false";
  const pad = indent === null ? "" : "\n" + " ".repeat(indent * (level + 1));
  const end = indent === null ? "" : "\n" + " ".repeat(indent * level);
  const colon = indent === null ? ":" : ": ";
  const floats = FLOAT_KEYS.get(v as object);
  const item = (x: unknown, k: string) => (floats?.has(k) && typeof x === "number" ? pyFloatRepr(x) : pyJson(x, indent, level + 1));
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return "[" + v.map((x, i) => pad + item(x, String(i))).join(",") + end + "]";
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort(); // ASCII keys: code-unit order equals Python's code-point order
  if (keys.length === 0) return "{}";
  return "{" + keys.map((k) => pad + str(k) + colon + item(o[k], k)).join(",") + end + "}";
}
