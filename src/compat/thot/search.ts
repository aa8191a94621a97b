// Thot's search over resources (`thot/functions.py::property_filter`), for containers and assets.
//
//   matches(deg30, { type: "sample", "metadata.angle": 30 })          // equality, dot paths
//   matches(deg30, { name: /^deg\d+$/ })                              // a RegExp is re.search
//   matches(deg20, { tags: ["wood"] })                                // every listed item contained
//   matches(deg20, { "metadata.angle": { $in: [20, 30] } })           // one of
//   matches(deg20, { "metadata.angle": (a) => Number(a) > 25 })       // a predicate (Syre's filters)
//
// As Thot: keys may be dot paths into nested objects; a missing property never matches; a list
// value against a list property means "contains all of them"; a scalar against a list property
// means "contains it" (the way `{"tags": "wood"}` is used). A plain object value is matched key by
// key, as if its keys were dot paths below the key. `{}` matches everything.

import { ThotFormatError, isPlainObject } from "./errors.ts";

export type SearchValue = unknown;
export type Search = Record<string, SearchValue>;

const MISSING = Symbol("missing");

export function matches(resource: object, search: Search): boolean {
  for (const [key, expected] of Object.entries(search)) {
    if (expected === undefined) continue;
    const actual = lookup(resource, key);
    if (!matchValue(actual, expected, key)) return false;
  }
  return true;
}

export function filterResources<T extends object>(resources: readonly T[], search: Search): T[] {
  return resources.filter((r) => matches(r, search));
}

function lookup(resource: object, path: string): unknown {
  if (Object.hasOwn(resource, path)) return (resource as Record<string, unknown>)[path];
  let here: unknown = resource;
  for (const part of path.split(".")) {
    if (!isPlainObject(here) && !(typeof here === "object" && here !== null && !Array.isArray(here))) return MISSING;
    if (!Object.hasOwn(here as object, part)) return MISSING;
    here = (here as Record<string, unknown>)[part];
  }
  return here;
}

function matchValue(actual: unknown, expected: unknown, key: string): boolean {
  if (typeof expected === "function") return actual !== MISSING && Boolean((expected as (v: unknown) => unknown)(actual));
  if (actual === MISSING) return false;
  if (expected instanceof RegExp) return typeof actual === "string" && new RegExp(expected.source, expected.flags.replace("g", "")).test(actual);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return false;
    return expected.every((item) => actual.some((a) => equal(a, item)));
  }
  if (isPlainObject(expected)) {
    const operators = Object.keys(expected).filter((k) => k.startsWith("$"));
    if (operators.length > 0) return matchOperators(actual, expected, operators, key);
    return isPlainObject(actual) && matches(actual, expected);
  }
  if (Array.isArray(actual)) return actual.some((a) => equal(a, expected));
  return equal(actual, expected);
}

function matchOperators(actual: unknown, expected: Record<string, unknown>, operators: string[], key: string): boolean {
  for (const op of operators) {
    const arg = expected[op];
    if (op === "$in") {
      if (!Array.isArray(arg)) throw new ThotFormatError(`search key "${key}": $in wants a list, got ${JSON.stringify(arg)}`);
      const values = Array.isArray(actual) ? actual : [actual];
      if (!values.some((v) => arg.some((a) => equal(v, a)))) return false;
    } else {
      throw new ThotFormatError(`search key "${key}": unknown operator ${op}; Thot knows $in`);
    }
  }
  return true;
}

function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
