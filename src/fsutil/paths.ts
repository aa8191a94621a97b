// The one order of relative paths everywhere in trove: by UTF-16 code units, locale-free, so the
// same tree always sorts (and so writes) the same way.
//
//   ["b", "a/c", "a"].sort(comparePaths) // ["a", "a/c", "b"]

export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
