// Finds the line of a TOML document that defines a key path, so validation errors can say
// "trove.toml:12 index.hash" instead of only "index.hash".
//
//   lineOfKey('[index]\nhash = "x"\n', ["index", "hash"]) // 2
//
// A line scanner, not a TOML parser: the document was already parsed successfully, so only table
// headers and `key =` lines matter. Array-of-tables headers are counted to resolve indices.

type Segment = string | number;

export function lineOfKey(source: string, path: readonly PropertyKey[]): number | undefined {
  const want = path.filter((p): p is Segment => typeof p === "string" || typeof p === "number");
  const arrayCounts = new Map<string, number>();
  let table: Segment[] = [];
  let best: { line: number; depth: number } | undefined;

  const consider = (keyPath: Segment[], line: number) => {
    const depth = sharedPrefix(keyPath, want);
    // A key counts only when all of it lies on the wanted path (or the wanted path lies in it).
    if (depth === 0 || (depth < keyPath.length && depth < want.length)) return;
    if (!best || depth > best.depth) best = { line, depth };
  };

  source.split(/\r?\n/).forEach((raw, i) => {
    const text = raw.trim();
    const arrayHeader = /^\[\[\s*([^\]]+?)\s*\]\]/.exec(text);
    const header = arrayHeader ? undefined : /^\[\s*([^\]]+?)\s*\]/.exec(text);
    if (arrayHeader) {
      const key = splitKey(arrayHeader[1]);
      const id = key.join(".");
      const index = arrayCounts.get(id) ?? 0;
      arrayCounts.set(id, index + 1);
      table = [...key, index];
      consider(table, i + 1);
    } else if (header) {
      table = expandArrays(splitKey(header[1]), arrayCounts);
      consider(table, i + 1);
    } else {
      const assign = /^((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=/.exec(text);
      if (assign) consider([...table, ...splitKey(assign[1])], i + 1);
    }
  });
  return best?.line;
}

function splitKey(key: string): string[] {
  const parts = key.match(/"[^"]*"|'[^']*'|[^.\s]+/g) ?? [];
  return parts.map((p) => p.replace(/^["']|["']$/g, ""));
}

/** `[layout.entities]` after two `[[layout]]` headers means layout[1].entities. */
function expandArrays(key: string[], arrayCounts: Map<string, number>): Segment[] {
  const out: Segment[] = [];
  for (const part of key) {
    out.push(part);
    const n = arrayCounts.get(out.filter((p) => typeof p === "string").join("."));
    if (n !== undefined) out.push(n - 1);
  }
  return out;
}

function sharedPrefix(a: Segment[], b: Segment[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
