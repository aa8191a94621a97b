import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { loadConfig } from "../config/load.ts";
import { indexDataset } from "../catalog/indexer.ts";
import { writeDemoDataset } from "../demo/sonetaa.ts";
import { NotFoundError, QueryError } from "../errors.ts";
import { Dataset } from "./dataset.ts";

let ds: Awaited<ReturnType<typeof Dataset.open>>;
let ids: string[];

beforeAll(async () => {
  const root = tempDir();
  ids = writeDemoDataset(root, { records: 12 }).records;
  await indexDataset(await loadConfig(root));
  ds = await Dataset.open(root);
});
afterAll(() => ds.close());

describe("Dataset", () => {
  it("lists, counts and gets records like Sinagot", async () => {
    expect(await ds.ids()).toEqual([...ids].sort());
    expect(await ds.count()).toBe(12);
    const first = await ds.first();
    expect(first?.id).toBe([...ids].sort()[0]);
    const rec = await ds.get(ids[3]);
    expect(`${rec}`).toBe(`<Record ${ids[3]}>`);
    expect((await rec.info()).files).toBeGreaterThan(3);
    expect(await ds.has("REC-010101-A")).toBe(false);
    await expect(ds.get("REC-010101-A")).rejects.toThrow(NotFoundError);
    await expect(ds.get("REC-010101-A")).rejects.toThrow(/closest: REC-/);
  });

  it("filters files: lists mean OR, null means absent, wildcards match, extensions with or without dot", async () => {
    const rs = await ds.files({ task: "RS", extension: ["json", ".xml"] });
    expect(rs.some((f) => String(f.path).endsWith(".json"))).toBe(true);
    expect(rs.some((f) => String(f.path).endsWith(".xml"))).toBe(true);
    expect(rs.every((f) => f.task === "RS" && /\.(json|xml)$/.test(String(f.path)))).toBe(true);
    expect((await ds.files({ task: "HDC", extension: ".csv" })).length).toBeGreaterThan(5);
    expect(await ds.files({ id: 3 })).toEqual([]); // a number against a text column is compared as text
    expect((await ds.files({ task: "RS", id: [ids[0]], modality: "clinical" })).length).toBe(1);
    const noTask = await ds.files({ task: null });
    expect(noTask.map((f) => f.path)).toEqual(expect.arrayContaining(["README.md", "participants.csv"]));
    const wild = await ds.files({ path: "behavior/*/*-HDC-*.csv" });
    expect(wild.length).toBeGreaterThan(5);
    expect(await ds.files({ task: [] })).toEqual([]);
    await expect(ds.files({ colour: "red" })).rejects.toThrow(/no column "colour".*columns are: path, size/);
  });

  it("narrows with Sinagot scope sugar in either order", async () => {
    expect(`${ds.RS.EEG}`).toBe("<Scope task: RS, modality: EEG>");
    expect(await ds.EEG.RS.ids()).toEqual(await ds.RS.EEG.ids());
    expect(await ds.HDC.behavior.count()).toBeLessThanOrEqual(12);
    expect(inspect(ds.scope({ task: "RS", where: "size > 100" }))).toBe("<Scope task: RS, where: size > 100>");
    const rec = await ds.RS.get(ids[0]);
    expect(`${rec.EEG}`).toBe(`<Record ${ids[0]} task: RS, modality: EEG>`);
    expect((await rec.EEG.files()).every((f) => f.record === ids[0] && f.modality === "EEG")).toBe(true);
  });

  it("explains unknown and impossible scope names", () => {
    expect(() => ds.ECG).toThrow(/no scope "ECG"; valid names: RS \(task\), MMN \(task\), HDC \(task\), EEG \(modality\), clinical \(modality\), behavior \(modality\)/);
    expect(() => ds.RS.behavior).toThrow(/behavior is not a modality of task RS \(its modalities: EEG, clinical\)/);
    expect(() => ds.behavior.RS).toThrow(/task RS has no modality behavior/);
  });

  it("runs SQL with parameters, and reports bad SQL with DuckDB's words and the query", async () => {
    const rows = await ds.query("SELECT count(*)::INT AS n FROM files WHERE task = $1", ["MMN"]);
    expect(rows[0].n).toBeGreaterThan(10);
    await expect(ds.query("SELEC 1")).rejects.toThrow(QueryError);
    await expect(ds.query("SELECT nope FROM files")).rejects.toThrow(/nope[\s\S]*in query: SELECT nope FROM files/);
  });

  it("can be awaited and printed without tripping the scope sugar", async () => {
    expect(`${await Promise.resolve(ds.RS)}`).toBe("<Scope task: RS>");
    expect(String(ds)).toBe("<Dataset sonetaa-demo>");
  });

  it("matches record ids exactly inside scopes, and keeps where clauses self-contained", async () => {
    await expect(ds.RS.get("REC-*")).rejects.toThrow(NotFoundError);
    expect(await ds.scope({ where: "valid -- a trailing comment" }).count()).toBe(12);
    expect(() => ds.scope({ task: "RS", where: "record = $1" })).toThrow(/\$ parameters cannot be bound here/);
  });
});
