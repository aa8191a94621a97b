// Compatibility with the reference implementation, LINDI 0.4.5 (Python): the files in
// test/fixtures/lindi/ were written by LINDI itself (scripts/lindi/make-fixtures.py, see
// manifest.json there).
//
// (a) fromHdf5 on the same HDF5 file with the same url gives LINDI's reference file system: key
//     by key (parsed JSON, for readable failures) and byte for byte against LINDI's .lindi.json.
//     That includes the Blosc-compressed bytes of LINDI's inline arrays (blosc-encode.ts).
// (b) trove reads what LINDI wrote through its h5py-like API (written.lindi.tar / .lindi.d, grown
//     in "r+" mode so the tar holds a trashed lindi.json) and gets the values LINDI reads back.
// (c) trove reads LINDI's .lindi.json of compat.h5 (chunk URLs pointed at the local copy) and gets
//     what it reads from its own conversion.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, sharedFixture } from "../../test/fixtures.ts";
import { LindiFile } from "./file.ts";
import { LindiDataset } from "./dataset.ts";
import { fromHdf5, type FromHdf5Options } from "./from-hdf5.ts";
import { parseRfs, stringifyRfs, type Rfs } from "./refs.ts";
import { canonValues } from "./testing.ts";

const dir = resolve(repoRoot, "test/fixtures/lindi");
const fixture = (n: string) => resolve(dir, n);

interface ManifestEntry {
  source: string;
  hidden: { objects: string[]; attrs: string[] };
  lindiErrors: Record<string, string | null>;
  lindiJson?: string;
  lindiError?: string;
}
const manifest = JSON.parse(readFileSync(fixture("manifest.json"), "utf8")) as {
  url_prefix: string;
  h5: Record<string, ManifestEntry>;
  smallOpts: { file: string; num_dataset_chunks_threshold: number; contiguous_dataset_max_chunk_size: number };
};

function sourcePath(e: ManifestEntry): string {
  if (e.source.startsWith("shared:")) return sharedFixture(...e.source.slice("shared:".length).split("/"));
  return resolve(repoRoot, e.source);
}

/** trove's conversion, without what LINDI was not shown (manifest "hidden": it raises on them). */
async function troveRfs(name: string, e: ManifestEntry, extra: FromHdf5Options = {}): Promise<Rfs> {
  const hasHidden = e.hidden.objects.length + e.hidden.attrs.length > 0;
  const { rfs, skipped } = await fromHdf5(sourcePath(e), { url: manifest.url_prefix + name, onUnsupported: hasHidden ? "skip" : "throw", ...extra });
  // trove skips exactly what LINDI raises on, except the children of groups hidden with "/x/*"
  // (dangling soft links: LINDI raises KeyError, trove writes _SOFT_LINK groups)
  const hiddenObjects = e.hidden.objects.filter((o) => !o.endsWith("/*"));
  expect(skipped.map((s) => s.path).sort()).toEqual([...hiddenObjects, ...e.hidden.attrs].sort());
  for (const h of e.hidden.objects.filter((o) => o.endsWith("/*")).map((o) => o.slice(1, -1))) {
    for (const k of Object.keys(rfs.refs)) if (k.startsWith(h) && k.slice(h.length).includes("/")) delete rfs.refs[k];
  }
  return rfs;
}

const plain = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;

describe("fromHdf5 against LINDI 0.4.5's from_hdf5_file + write_lindi_file", () => {
  const entries = Object.entries(manifest.h5).filter(([, e]) => e.lindiJson);
  for (const [name, e] of entries) {
    it(`${name}: same references`, async () => {
      const ours = await troveRfs(name, e);
      const theirs = JSON.parse(readFileSync(fixture(e.lindiJson!), "utf8")) as Rfs;
      expect(Object.keys(ours.refs).sort()).toEqual(Object.keys(theirs.refs).sort());
      expect(ours.templates).toEqual(theirs.templates);
      expect(ours.version).toEqual(theirs.version);
      for (const k of Object.keys(theirs.refs).sort()) expect({ [k]: plain(ours.refs[k]) }).toEqual({ [k]: theirs.refs[k] });
    });
    it(`${name}: same .lindi.json bytes`, async () => {
      const ours = await troveRfs(name, e);
      expect(stringifyRfs(ours)).toBe(readFileSync(fixture(e.lindiJson!), "utf8"));
    });
  }

  it("compat.h5 with num_dataset_chunks_threshold 4, contiguous_dataset_max_chunk_size 1000: same references and bytes", async () => {
    const e = manifest.h5["compat.h5"];
    const o = manifest.smallOpts;
    const ours = await troveRfs("compat.h5", e, { numDatasetChunksThreshold: o.num_dataset_chunks_threshold, contiguousDatasetMaxChunkSize: o.contiguous_dataset_max_chunk_size });
    const theirs = JSON.parse(readFileSync(fixture(o.file), "utf8")) as Rfs;
    expect(Object.keys(ours.refs).sort()).toEqual(Object.keys(theirs.refs).sort());
    for (const k of Object.keys(theirs.refs).sort()) expect({ [k]: plain(ours.refs[k]) }).toEqual({ [k]: theirs.refs[k] });
    expect(stringifyRfs(ours)).toBe(readFileSync(fixture(o.file), "utf8"));
  });
});

interface Described {
  objects: Record<string, { kind: string; attrs?: Record<string, unknown>; keys?: string[]; target?: string; shape?: number[]; dtype?: string; values?: unknown[]; value?: unknown }>;
}
const written = JSON.parse(readFileSync(fixture("written.expected.json"), "utf8")) as Described;

/** h5json's conventions (64-bit ints beyond 2**31 as strings, NaN as "NaN", Inf as "Inf") to canonValues's. */
function canonExpected(v: unknown): unknown {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(canonExpected);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canonExpected(x)]));
  return canonValues(v);
}

/** LINDI's attribute encoding read back as h5py gives it: "NaN"/"Infinity" strings to floats. */
function canonAttr(v: unknown): unknown {
  if (v === "NaN") return "NaN";
  if (v === "Infinity") return "Inf";
  if (v === "-Infinity") return "-Inf";
  if (Array.isArray(v)) return v.map(canonAttr);
  if (v && typeof v === "object" && !("_REFERENCE" in v)) return Object.fromEntries(Object.entries(v).sort().map(([k, x]) => [k, canonAttr(x)]));
  return canonValues(v);
}

const datasets = Object.entries(written.objects).filter(([, o]) => o.kind === "dataset");

describe("LINDI's written.lindi.tar / .lindi.d: tree and attributes", () => {
  for (const kind of ["tar", "d"] as const) {
    it(`written.lindi.${kind} has LINDI's tree and attributes`, async () => {
      const f = await LindiFile.open(fixture(`written.lindi.${kind}`), "r");
      try {
        for (const [p, o] of Object.entries(written.objects)) {
          const key = p.slice(1);
          if (o.kind === "softlink") {
            expect(f.getLink(key)).toEqual({ kind: "soft", path: o.target });
            continue;
          }
          const node = key ? f.get(key) : f;
          expect(node, p).toBeDefined();
          const attrs = Object.fromEntries(Object.entries(node!.attrs.raw()).filter(([k]) => !k.startsWith("_")));
          expect({ [p]: canonAttr(attrs) }).toEqual({ [p]: canonExpected(o.attrs) });
          expect(node instanceof LindiDataset ? "dataset" : "group").toBe(o.kind);
        }
      } finally {
        await f.close();
      }
    });
  }
});

describe("LINDI's written.lindi.tar / .lindi.d: values", () => {
  for (const kind of ["tar", "d"] as const) {
    for (const [p, o] of datasets) {
      it(`written.lindi.${kind} ${p} (${o.dtype})`, async () => {
        const f = await LindiFile.open(fixture(`written.lindi.${kind}`), "r");
        try {
          const ds = f.get(p);
          expect(ds).toBeInstanceOf(LindiDataset);
          const d = ds as LindiDataset;
          expect(d.shape).toEqual(o.shape!.length ? o.shape : []);
          const v = await d.read();
          const got = canonValues(ArrayBuffer.isView(v) || Array.isArray(v) ? Array.from(v as ArrayLike<unknown>) : [v]);
          expect(got).toEqual(canonExpected(o.values ?? [o.value]));
        } finally {
          await f.close();
        }
      });
    }
  }
});

describe("LINDI's compat.h5.lindi.json read by trove (chunk URLs pointed at the local compat.h5)", () => {
  const local = fixture("compat.h5");
  const lindiRfs = () => {
    const rfs = parseRfs(readFileSync(fixture("compat.h5.lindi.json"), "utf8"));
    rfs.templates = { u1: local };
    return LindiFile.fromRfs(rfs, dir);
  };
  const arrays = () => Object.keys(lindiRfs().rfs.refs).filter((k) => k.endsWith("/.zarray")).map((k) => k.slice(0, -"/.zarray".length));
  it("every array reads as it does from trove's own conversion", async () => {
    const theirs = lindiRfs();
    const ours = LindiFile.fromRfs((await fromHdf5(local, { url: local })).rfs, dir);
    const failures: string[] = [];
    for (const p of arrays()) {
      const a = theirs.get(p) as LindiDataset;
      if (a.externalLink) continue;
      try {
        const va = await a.read();
        const vb = await (ours.get(p) as LindiDataset).read();
        expect(canonValues(Array.from(va as ArrayLike<unknown>))).toEqual(canonValues(Array.from(vb as ArrayLike<unknown>)));
      } catch (e) {
        failures.push(`${p}: ${(e as Error).message.split("\n")[0]}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
