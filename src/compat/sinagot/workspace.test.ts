import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { sharedFixture } from "../../../test/fixtures.ts";
import { tempDir } from "../../../test/helpers.ts";
import { configSchema } from "../../config/schema.ts";
import { ConfigError } from "../../errors.ts";
import { makeLayout } from "../../layout/index.ts";
import { planOrder } from "../../run/graph.ts";
import { isSinagotWorkspace, loadSinagotWorkspace } from "./workspace.ts";

/** A temp copy of a Sinagot test workspace (the shared copies have no scripts). */
function copyWorkspace(name: string): string {
  const dir = join(tempDir(), name);
  cpSync(sharedFixture("sinagot", name), dir, { recursive: true });
  return dir;
}

/** A Sinagot script as the originals are written; `paths` are Python literals. */
function writeScript(file: string, pathIn: string, pathOut: string, body = ""): void {
  mkdirSync(dirname(file), { recursive: true });
  const run = body ? `\n    def run(self):\n${body.replace(/^/gm, "        ")}\n` : "";
  writeFileSync(file, `from sinagot import ScriptTemplate\n\n\nclass Script(ScriptTemplate):\n\n    PATH_IN = ${pathIn}\n    PATH_OUT = ${pathOut}\n${run}`);
}

/** sonetaa's four scripts (tests/data/sonetaa/scripts in Sinagot 0.3). */
function sonetaa(): string {
  const dir = copyWorkspace("sonetaa");
  const s = join(dir, "scripts");
  writeScript(join(s, "EEG/preprocess.py"), `("MFF", "{id}-{task}.mff")`, `("PREPROCESSED", "{id}-{task}-epo.fif.gz")`, `self.path.output.write_text("done")`);
  writeScript(join(s, "EEG/alpha.py"), `("PREPROCESSED", "{id}-{task}-epo.fif.gz")`, `("PROCESSED", "{id}", "alpha")`);
  writeScript(join(s, "behavior/scores.py"), `("HDC", "{id}", "Trial1_report.txt")`, `("PROCESSED", "{id}", "HDC", "behavior-scores.csv")`);
  writeScript(join(s, "behavior/scores_norm.py"), `("PROCESSED", "{id}", "HDC", "behavior-scores.csv")`, `("PROCESSED", "{id}", "HDC", "norm-scores.csv")`);
  return dir;
}

async function errorOf(target: string | string[]): Promise<string> {
  try {
    await loadSinagotWorkspace(target);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadSinagotWorkspace", () => {
  it("turns sonetaa's scripts into steps in Sinagot's order", async () => {
    const dir = sonetaa();
    const config = await loadSinagotWorkspace(dir);
    expect(config.file).toBe(join(dir, "workspace.toml"));
    expect(config.root).toBe(join(dir, "dataset"));
    expect(config.dataset.name).toBe("sonetaa");
    expect(config.record).toEqual({ id_pattern: "REC-[\\d]{6}-[A-Z]" });
    expect(Object.keys(config.tasks)).toEqual(["RS", "MMN", "HDC"]);
    expect(config.tasks.HDC.modalities).toEqual(["clinical", "EEG", "behavior"]);
    expect(config.index.ignore).toEqual(["LOG/**"]);

    const s = config.steps;
    expect(Object.keys(s)).toEqual(["preprocess", "alpha", "scores", "scores_norm"]);
    expect(s.preprocess).toMatchObject({
      inputs: { input: "MFF/{id}-{task}.mff" },
      outputs: { output: "PREPROCESSED/{id}-{task}-epo.fif.gz" },
      tasks: ["RS", "MMN", "HDC"],
      modalities: ["EEG"],
      after: [],
      code: [join(dir, "scripts/EEG/preprocess.py")],
      env: {},
      params: {},
    });
    expect(s.alpha).toMatchObject({ inputs: { input: "PREPROCESSED/{id}-{task}-epo.fif.gz" }, outputs: { output: "PROCESSED/{id}/alpha" }, tasks: ["RS"], after: ["preprocess"] });
    expect(s.scores).toMatchObject({ inputs: { input: "HDC/{id}/Trial1_report.txt" }, outputs: { output: "PROCESSED/{id}/HDC/behavior-scores.csv" }, tasks: ["HDC"], modalities: ["behavior"], after: [] });
    expect(s.scores_norm).toMatchObject({ outputs: { output: "PROCESSED/{id}/HDC/norm-scores.csv" }, tasks: ["HDC"], after: ["scores"] });
    expect(s.alpha.command).toMatch(/^python3 \S+\/python\/sinagot_shim\/run_task\.py \S+\/scripts\/EEG\/alpha\.py --module EEG\.alpha$/);
    expect(planOrder(Object.entries(s).map(([name, x]) => ({ name, ...x }))).order).toEqual(["preprocess", "alpha", "scores", "scores_norm"]);
  });

  it("gives a template layout that reads the workspace's files", async () => {
    const config = await loadSinagotWorkspace(sonetaa());
    const layout = config.layout[0];
    expect(layout).toMatchObject({ type: "template", entities: { id: "REC-[\\d]{6}-[A-Z]", task: "RS|MMN|HDC" } });
    if (layout.type !== "template") throw new Error("template expected");
    expect(layout.patterns).toContainEqual({ pattern: "MFF/{id}-{task}.mff", set: { modality: "EEG" } });
    expect(layout.patterns).toContainEqual({ pattern: "MFF/{id}-{task}.mff/**", set: { modality: "EEG" } });
    const t = makeLayout(layout);
    expect(t.parse("MFF/REC-200319-A-RS.mff/dummy").entities).toMatchObject({ id: "REC-200319-A", task: "RS", modality: "EEG" });
    expect(t.parse("PROCESSED/REC-200320-A/HDC/norm-scores.csv").entities).toMatchObject({ id: "REC-200320-A", modality: "behavior" });
    expect(t.parse("CLINICAL/data.csv").valid).toBe(false);
  });

  it("is a config parseConfig accepts (the schema holds on the result too)", async () => {
    const { file, root, ...rest } = await loadSinagotWorkspace(sonetaa());
    expect(configSchema.safeParse(rest).success).toBe(true);
    expect([file, root].every((p) => p.startsWith("/"))).toBe(true);
  });

  it("reads unit mode (minimal_mode): [steps] scripts, no tasks or modalities", async () => {
    const dir = copyWorkspace("minimal_mode");
    writeScript(join(dir, "scripts/first_step.py"), `("RAW", "{id}.txt")`, `("PROCESSED", "{id}.csv")`);
    writeScript(join(dir, "scripts/next_step.py"), `("PROCESSED", "{id}.csv")`, `("PROCESSED", "{id}.txt")`);
    const config = await loadSinagotWorkspace(join(dir, "workspace.toml"));
    expect(config.tasks).toEqual({});
    expect(config.steps.first_step).toMatchObject({ inputs: { input: "RAW/{id}.txt" }, outputs: { output: "PROCESSED/{id}.csv" }, after: [] });
    expect(config.steps.next_step).toMatchObject({ inputs: { input: "PROCESSED/{id}.csv" }, outputs: { output: "PROCESSED/{id}.txt" }, after: ["first_step"] });
    expect(config.steps.first_step.tasks).toBeUndefined();
    expect(config.steps.first_step.modalities).toBeUndefined();
    expect(config.steps.first_step.command).not.toContain("--module"); // unit mode: module = file name
    expect(config.layout[0]).toMatchObject({ entities: { id: "REC-[\\d]{3}" } });
    if (config.layout[0].type !== "template") throw new Error("template expected");
    expect(config.layout[0].patterns).toEqual(["RAW/{id}.txt", "RAW/{id}.txt/**", "PROCESSED/{id}.csv", "PROCESSED/{id}.csv/**", "PROCESSED/{id}.txt", "PROCESSED/{id}.txt/**"]);
    expect(makeLayout(config.layout[0]).parse("RAW/REC-042.txt").entities.id).toBe("REC-042");
  });

  it("keeps the names of dict paths (multiple_path)", async () => {
    const dir = copyWorkspace("multiple_path");
    writeScript(
      join(dir, "scripts/base_mod/multiple_path.py"),
      `{"first": ("raw", "{id}-first"), "second": ("raw", "{id}-second")}`,
      `{\n        "first": ("processed", "{id}-first"),\n        "second": ("processed", "{id}-second"),\n    }`,
    );
    const config = await loadSinagotWorkspace(dir);
    expect(config.steps.multiple_path).toMatchObject({
      inputs: { first: "raw/{id}-first", second: "raw/{id}-second" },
      outputs: { first: "processed/{id}-first", second: "processed/{id}-second" },
      tasks: ["base_task"],
      modalities: ["base_mod"],
    });
    // no path has {task}, so the layout gives no task entity (a regex for it would be unused)
    expect(config.layout[0]).toMatchObject({ entities: { id: "REC-[\\d]{6}-[A-Z]" } });
    expect((config.layout[0] as { entities: object }).entities).not.toHaveProperty("task");
  });

  it("merges a list of files depth-wise, later winning (sonetaa + custom_conf.toml)", async () => {
    const dir = sonetaa();
    const config = await loadSinagotWorkspace([dir, join(dir, "custom_conf.toml")]);
    expect(config.file).toBe(join(dir, "workspace.toml"));
    expect(Object.keys(config.tasks)).toEqual(["RS", "MMN", "HDC", "NEW"]);
    expect(config.steps.preprocess.tasks).toEqual(["RS", "MMN", "HDC", "NEW"]);
    expect(config.steps.preprocess.command).toContain("--workspace-version 0.3.0");
    expect(config.layout[0]).toMatchObject({ entities: { task: "RS|MMN|HDC|NEW" } });
  });

  it("names steps <modality>_<script> when two modalities share a script name, and quotes odd paths", async () => {
    const root = join(tempDir(), "my lab");
    mkdirSync(join(root, "dataset"), { recursive: true });
    writeFileSync(
      join(root, "workspace.toml"),
      `[records]\nid_pattern = "S\\\\d+"\n[tasks.T]\nmodalities = ["A", "B"]\n[modalities.A]\nscripts = ["clean"]\n[modalities.B]\nscripts = ["clean", "sum"]\n`,
    );
    writeScript(join(root, "scripts/A/clean.py"), `("raw", "{id}-a")`, `("out", "{id}-a")`);
    writeScript(join(root, "scripts/B/clean.py"), `("raw", "{id}-b")`, `("out", "{id}-b")`);
    writeScript(join(root, "scripts/B/sum.py"), `("out", "{id}-b")`, `("out", "{id}-sum")`);
    const config = await loadSinagotWorkspace(root);
    expect(Object.keys(config.steps)).toEqual(["A_clean", "B_clean", "sum"]);
    expect(config.steps.sum.after).toEqual(["B_clean"]);
    expect(config.steps.A_clean.command).toContain(`"${join(root, "scripts/A/clean.py")}" --module A.clean`);
  });

  it("leaves out scripts Sinagot never runs (modality in no task) and plugin-only modalities", async () => {
    const dir = sonetaa();
    writeFileSync(join(dir, "extra.toml"), `[modalities.orphan]\nscripts = ["nothing_here"]\n[modalities.EEG.task_scripts]\nHDC_missing = ["nope"]\n`);
    const config = await loadSinagotWorkspace([dir, join(dir, "extra.toml")]);
    expect(Object.keys(config.steps)).toEqual(["preprocess", "alpha", "scores", "scores_norm"]);
  });

  it("names the script and the Python error when a script cannot be imported", async () => {
    const dir = sonetaa();
    writeFileSync(join(dir, "scripts/EEG/alpha.py"), "import a_module_trove_tests_never_install\n");
    const msg = await errorOf(dir);
    expect(msg).toContain("scripts/EEG/alpha.py");
    expect(msg).toContain("modalities.EEG.task_scripts.RS");
    expect(msg).toMatch(/ModuleNotFoundError: No module named 'a_module_trove_tests_never_install'$/);
  });

  it("says when python3 is not there", async () => {
    const dir = sonetaa();
    const path = process.env.PATH;
    process.env.PATH = tempDir();
    try {
      expect(await errorOf(dir)).toMatch(/python3 is not on PATH/);
    } finally {
      process.env.PATH = path;
    }
  });

  it("errors for a missing scripts folder, script file or id_pattern", async () => {
    const noScripts = copyWorkspace("minimal_mode");
    expect(await errorOf(noScripts)).toMatch(/workspace\.toml: path\.scripts points at .*\/scripts, which is not a folder/);

    const dir = sonetaa();
    rmSync(join(dir, "scripts/behavior/scores_norm.py"));
    expect(await errorOf(dir)).toMatch(/modalities\.behavior\.scripts lists "scores_norm", but .*scores_norm\.py does not exist/);

    const noId = sonetaa();
    writeFileSync(join(noId, "workspace.toml"), `[tasks.RS]\nmodalities = ["EEG"]\n[modalities.EEG]\nscripts = ["preprocess"]\n`);
    expect(await errorOf(noId)).toMatch(/workspace\.toml: records\.id_pattern is missing/);
  });

  it("errors for bad TOML and bad values, naming file and key", async () => {
    const dir = sonetaa();
    writeFileSync(join(dir, "workspace.toml"), `[records]\nid_pattern = "REC-\\d"\n`);
    expect(await errorOf(dir)).toMatch(/workspace\.toml:2:\d+: invalid TOML/);
    writeFileSync(join(dir, "workspace.toml"), `[records]\nid_pattern = "R"\n[tasks.RS]\nmodalities = "EEG"\n`);
    expect(await errorOf(dir)).toMatch(/workspace\.toml: tasks\.RS\.modalities must be a list of names/);
    writeFileSync(join(dir, "workspace.toml"), `[records]\nid_pattern = "R"\n[path]\ndataset = "./nowhere"\n`);
    expect(await errorOf(dir)).toMatch(/path\.dataset points at .*nowhere, which is not a folder/);
  });

  it("reports what trove's own checks reject, without the generated file's line numbers", async () => {
    const dir = copyWorkspace("minimal_mode");
    writeScript(join(dir, "scripts/first_step.py"), `("RAW", "{id}.txt")`, `("PROCESSED", "{id}.csv")`);
    writeScript(join(dir, "scripts/next_step.py"), `("PROCESSED", "{id}.csv")`, `("PROCESSED", "{id}.csv")`);
    const msg = await errorOf(dir);
    expect(msg).toMatch(/^\/.*workspace\.toml: as a trove config: steps/);
    expect(msg).not.toMatch(/workspace\.toml:\d/);
  });
});

describe("isSinagotWorkspace", () => {
  it("knows a workspace folder or file from a trove dataset", () => {
    expect(isSinagotWorkspace(sharedFixture("sinagot/sonetaa"))).toBe(true);
    expect(isSinagotWorkspace(sharedFixture("sinagot/config_custom_name/custom_name.toml"))).toBe(true);
    expect(isSinagotWorkspace(sharedFixture("sinagot/config_custom_name"))).toBe(false); // no workspace.toml
    expect(isSinagotWorkspace(sharedFixture("sinagot/sonetaa/scripts/workspace.toml"))).toBe(false); // no [records]
    const both = copyWorkspace("minimal_mode");
    writeFileSync(join(both, "trove.toml"), `[dataset]\nname = "x"\n`);
    expect(isSinagotWorkspace(both)).toBe(false);
    expect(isSinagotWorkspace(join(both, "trove.toml"))).toBe(false);
    expect(isSinagotWorkspace(join(both, "nope"))).toBe(false);
  });
});
