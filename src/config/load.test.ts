import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { ConfigError, NotFoundError } from "../errors.ts";
import { loadConfig, parseConfig } from "./load.ts";

const file = (dir: string) => join(dir, "trove.toml");

async function errorOf(source: string): Promise<string> {
  const dir = tempDir();
  try {
    await parseConfig(source, file(dir));
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("reads a full config with defaults filled in", async () => {
    const dir = tempDir();
    writeFileSync(file(dir), `[dataset]\nname = "x"\n[[layout]]\ntype = "alf"\n[tasks.RS]\nmodalities = ["EEG"]\n`);
    const config = await loadConfig(dir);
    expect(config.root).toBe(dir);
    expect(config.index).toEqual({ hash: "none", ignore: [], follow_symlinks: false });
    expect(config.tasks.RS.modalities).toEqual(["EEG"]);
    expect(config.layout).toEqual([{ type: "alf" }]);
  });

  it("names file, line and key for a bad value", async () => {
    const msg = await errorOf(`[dataset]\nname = "x"\n[[layout]]\ntype = "alf"\n\n[index]\nhash = "crc32"\n`);
    expect(msg).toMatch(/^trove\.toml:7: index\.hash: .*none.*md5.*sha256/);
  });

  it("names the second [[layout]] table for a bad layout type", async () => {
    const msg = await errorOf(`[dataset]\nname = "x"\n[[layout]]\ntype = "alf"\n[[layout]]\ntype = "nwb"\n`);
    expect(msg).toMatch(/^trove\.toml:6: layout\.1\.type: expected type to be one of alf, bids, template, containers/);
  });

  it("reports unknown keys and TOML syntax errors with their line", async () => {
    expect(await errorOf(`[dataset]\nname = "x"\ncolour = 1\n[[layout]]\ntype = "alf"\n`)).toMatch(/trove\.toml:3: dataset: unknown key colour/);
    expect(await errorOf(`[dataset]\nname = "x"\nlayouts = [1,\n`)).toMatch(/^trove\.toml:4:\d+: invalid TOML/);
  });

  it("requires exactly one way to make record ids, and a valid id_pattern", async () => {
    const base = `[dataset]\nname = "x"\n[[layout]]\ntype = "alf"\n`;
    expect(await errorOf(`${base}[record]\nentities = ["subject"]\nid_pattern = "x"\n`)).toMatch(/record.*exactly one/);
    expect(await errorOf(`${base}[record]\nid_pattern = "REC-("\n`)).toMatch(/trove\.toml:6: record\.id_pattern is not a valid regex/);
  });

  it("refuses a dataset.root that is not a folder, and a folder without trove.toml", async () => {
    const msg = await errorOf(`[dataset]\nname = "x"\nroot = "missing"\n[[layout]]\ntype = "alf"\n`);
    expect(msg).toMatch(/trove\.toml:3: dataset\.root points at .*missing, which is not a folder/);
    const empty = tempDir();
    mkdirSync(join(empty, "sub"));
    await expect(loadConfig(join(empty, "sub"))).rejects.toThrow(NotFoundError);
    await expect(loadConfig(join(empty, "nope"))).rejects.toThrow(/no such file or folder/);
  });

  describe("[steps]", () => {
    const base = `[dataset]\nname = "x"\n[[layout]]\ntype = "template"\npatterns = ["EEG/{id}/{id}-{task}.bin"]\n[tasks.RS]\nmodalities = ["EEG"]\n`;
    const alpha = `[steps.alpha]\ncommand = "python alpha.py {in.eeg} {out.alpha} --band {params.band}"\ninputs = { eeg = "EEG/{id}/{id}-{task}.bin" }\noutputs = { alpha = "derived/{id}/{id}-{task}-alpha.csv" }\nparams = { band = "8-12" }\ntasks = ["RS"]\n`;

    it("reads steps with their defaults", async () => {
      const dir = tempDir();
      const config = await parseConfig(base + alpha, file(dir));
      expect(config.steps.alpha).toMatchObject({ retries: 0, after: [], code: [], env: {}, tasks: ["RS"], params: { band: "8-12" } });
    });

    it("names the step and line for an unknown entity, parameter or task", async () => {
      expect(await errorOf(base + alpha.replace("{id}-{task}-alpha", "{id}-{session}-alpha"))).toMatch(/^trove\.toml:8: steps\.alpha: .*unknown entity \{session\}/);
      expect(await errorOf(base + alpha.replace("{params.band}", "{params.width}"))).toMatch(/^trove\.toml:8: steps\.alpha: .*params\.width/);
      expect(await errorOf(base + alpha.replace('tasks = ["RS"]', 'tasks = ["MMN"]'))).toMatch(/steps\.alpha\.tasks: no task "MMN" in \[tasks\]/);
    });

    it("refuses a cycle and an output claimed by two steps, naming them", async () => {
      const beta = `[steps.beta]\ncommand = "b {in.a} {out.b}"\ninputs = { a = "derived/{id}/{id}-{task}-alpha.csv" }\noutputs = { b = "EEG/{id}/{id}-{task}.bin" }\n`;
      expect(await errorOf(base + alpha + beta)).toMatch(/steps: .*alpha -> beta -> alpha|beta -> alpha -> beta/);
      const twin = alpha.replace("[steps.alpha]", "[steps.twin]");
      expect(await errorOf(base + alpha + twin)).toMatch(/steps: .*(alpha|twin).*(twin|alpha)/);
    });
  });
});
