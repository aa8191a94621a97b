// The Python side (python/sinagot_shim), run with the real python3: describe.py, run_task.py, and
// a command from loadSinagotWorkspace filled the way trove fills commands.

import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, sharedFixture } from "../../../test/fixtures.ts";
import { tempDir } from "../../../test/helpers.ts";
import { fillCommand } from "../../run/patterns.ts";
import { loadSinagotWorkspace } from "./workspace.ts";

const shim = join(repoRoot, "python", "sinagot_shim");
const ID = "REC-200319-A";

function copyWorkspace(name: string): string {
  const dir = join(tempDir(), name);
  cpSync(sharedFixture("sinagot", name), dir, { recursive: true });
  return dir;
}

function writeScript(file: string, source: string): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
  return file;
}

/** sonetaa's EEG/preprocess.py, its run() reporting what the script saw. */
const PREPROCESS = `import json
from sinagot import ScriptTemplate, StepStatus


class Script(ScriptTemplate):

    PATH_IN = ("MFF", "{id}-{task}.mff")
    PATH_OUT = ("PREPROCESSED", "{id}-{task}-epo.fif.gz")

    def run(self):
        self.logger.info("reading %s", self.path.input.name)
        seen = {"input": str(self.path.input), "id": self.id, "task": self.task, "modality": self.modality,
                "label": self.label, "opts": self.opts, "data_path": str(self.data_path),
                "status": self.status == StepStatus.PROCESSING, "control": str(self.path.control),
                "input_exists": list(self.data_exist.input.values())}
        self.path.output.write_text(json.dumps(seen))
`;

function taskFile(dir: string, task: object): string {
  const file = join(dir, "task.json");
  writeFileSync(file, JSON.stringify({ trove_task: 1, params: {}, ...task }));
  return file;
}

function runTask(script: string, task: string | undefined, args: string[] = []) {
  const env = { ...process.env, ...(task ? { TROVE_TASK: task } : {}) };
  if (!task) delete env.TROVE_TASK;
  const r = spawnSync("python3", [join(shim, "run_task.py"), script, ...args], { encoding: "utf8", env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function logLines(root: string, id: string): Record<string, unknown>[] {
  return readFileSync(join(root, "LOG", `${id}.log`), "utf8").trim().split("\n").map((l) => JSON.parse(l));
}

/** A sonetaa copy with preprocess.py and the task trove would write for (REC-200319-A, RS). */
function preprocessTask(params: object = {}) {
  const dir = copyWorkspace("sonetaa");
  const root = join(dir, "dataset");
  const script = writeScript(join(dir, "scripts/EEG/preprocess.py"), PREPROCESS);
  const staged = join(root, "PREPROCESSED/.trove-staging-ab12", `${ID}-RS-epo.fif.gz`);
  const task = taskFile(dir, {
    id: `preprocess:${ID}:task=RS`,
    step: "preprocess",
    record: ID,
    entities: { id: ID, task: "RS" },
    root,
    inputs: { input: join(root, `MFF/${ID}-RS.mff`) },
    outputs: { output: staged },
    final_outputs: { output: join(root, `PREPROCESSED/${ID}-RS-epo.fif.gz`) },
    params,
    log: join(dir, "x.log"),
  });
  return { dir, root, script, staged, task };
}

describe("run_task.py", () => {
  it("runs the script on trove's paths and writes the staged output", () => {
    const { root, script, staged, task } = preprocessTask({ band: "alpha" });
    const r = runTask(script, task, ["--module", "EEG.preprocess"]);
    expect(r.stderr).toContain(`${ID} | `);
    expect(r.code).toBe(0);
    const seen = JSON.parse(readFileSync(staged, "utf8"));
    expect(seen).toEqual({
      input: join(root, `MFF/${ID}-RS.mff`),
      id: ID,
      task: "RS",
      modality: "EEG",
      label: "preprocess",
      opts: { band: "alpha" },
      data_path: root,
      status: true,
      control: join(root, `FOLDER_CONTROL/${ID}-RS.control`), // Sinagot's default, not touched
      input_exists: [true],
    });
    expect(existsSync(join(root, `PREPROCESSED/${ID}-RS-epo.fif.gz`))).toBe(false); // trove moves it, not the shim
    expect(r.stderr).toMatch(/RS-EEG-preprocess : reading REC-200319-A-RS\.mff/);
  });

  it("appends Sinagot's JSON log lines to <dataset>/LOG/<id>.log", () => {
    const { root, script, task } = preprocessTask();
    expect(runTask(script, task, ["--module", "EEG.preprocess", "--workspace-version", "0.3.0"]).code).toBe(0);
    const lines = logLines(root, ID);
    expect(lines.map((l) => [l.step_status, l.message])).toEqual([
      [20, "Processing run"],
      [20, `reading ${ID}-RS.mff`],
      [30, "Run finished"],
    ]);
    expect(lines[2]).toMatchObject({ log_from: "script", workspace_version: "0.3.0", record_id: ID, scope: "record", task: "RS", modality: "EEG", step_label: "preprocess" });
    expect(Object.keys(lines[0])).toEqual(["log_from", "workspace_version", "record_id", "scope", "task", "modality", "step_label", "step_status", "message", "time"]);
    expect(lines[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$/);
    // the line the fixture already had is kept: the log is appended to
    expect(logLines(root, "REC-200320-A")).toHaveLength(1);
  });

  it("exits 1 with the traceback on stderr when the script raises, and logs status 40", () => {
    const { root, dir, staged, task } = preprocessTask();
    const script = writeScript(
      join(dir, "scripts/EEG/preprocess.py"),
      `from sinagot import ScriptTemplate\n\n\nclass Script(ScriptTemplate):\n    PATH_IN = ("MFF", "{id}-{task}.mff")\n    PATH_OUT = ("PREPROCESSED", "{id}-{task}-epo.fif.gz")\n\n    def run(self):\n        raise ValueError("bad epoch count")\n`,
    );
    const r = runTask(script, task, ["--module", "EEG.preprocess"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Traceback (most recent call last)");
    expect(r.stderr).toContain("ValueError: bad epoch count");
    expect(existsSync(staged)).toBe(false);
    expect(logLines(root, ID).map((l) => [l.step_status, l.message])).toEqual([
      [20, "Processing run"],
      [40, "bad epoch count"],
    ]);
  });

  it("gives dict paths as dicts (multiple_path) and names the module after the file in unit mode", () => {
    const dir = copyWorkspace("multiple_path");
    const root = join(dir, "dataset");
    const script = writeScript(
      join(dir, "scripts/multiple_path.py"),
      `from sinagot import ScriptTemplate\n\n\nclass Script(ScriptTemplate):\n    PATH_IN = {"first": ("raw", "{id}-first"), "second": ("raw", "{id}-second")}\n    PATH_OUT = {"first": ("processed", "{id}-first"), "second": ("processed", "{id}-second")}\n\n    def run(self):\n        for name, path in self.path.output.items():\n            path.write_text(self.path.input[name].read_text() + repr((self.modality, self.label, self.task)))\n`,
    );
    const id = "REC-000000-A";
    const staged = (n: string) => join(root, "processed/.trove-staging-1", `${id}-${n}`);
    writeFileSync(join(root, `raw/${id}-first`), "1 ");
    writeFileSync(join(root, `raw/${id}-second`), "2 ");
    const task = taskFile(dir, {
      record: id,
      entities: { id },
      root,
      inputs: { first: join(root, `raw/${id}-first`), second: join(root, `raw/${id}-second`) },
      outputs: { first: staged("first"), second: staged("second") },
    });
    const r = runTask(script, task);
    expect(r.stderr).toContain(`${id} | `);
    expect(r.code).toBe(0);
    expect(readFileSync(staged("first"), "utf8")).toBe("1 (None, 'multiple_path', None)");
    expect(readFileSync(staged("second"), "utf8")).toBe("2 (None, 'multiple_path', None)");
  });

  it("exits 2 without a task file", () => {
    const { script } = preprocessTask();
    const r = runTask(script, undefined);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/TROVE_TASK is not set/);
  });
});

describe("describe.py", () => {
  it("prints PATH_IN and PATH_OUT as JSON, tuples as lists, dicts kept, and import errors by script", () => {
    const dir = tempDir();
    writeScript(join(dir, "EEG/preprocess.py"), PREPROCESS.replace("import json", "import json\nprint('chatty at import')"));
    writeScript(join(dir, "base_mod/multi.py"), `from sinagot.script import ScriptTemplate\nclass Script(ScriptTemplate):\n    PATH_IN = {"a": ("raw", "{id}-a")}\n    PATH_OUT = {"b": ("out", "{id}-b")}\n`);
    writeScript(join(dir, "broken.py"), "import pandas_but_not_really\n");
    const r = spawnSync("python3", [join(shim, "describe.py"), dir, "EEG/preprocess.py", "base_mod/multi.py", "broken.py"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out["EEG/preprocess.py"]).toEqual({ PATH_IN: ["MFF", "{id}-{task}.mff"], PATH_OUT: ["PREPROCESSED", "{id}-{task}-epo.fif.gz"] });
    expect(out["base_mod/multi.py"]).toEqual({ PATH_IN: { a: ["raw", "{id}-a"] }, PATH_OUT: { b: ["out", "{id}-b"] } });
    expect(out["broken.py"].error).toBe("ModuleNotFoundError: No module named 'pandas_but_not_really'");
    expect(r.stderr).toContain("chatty at import");
  });
});

describe("a translated step's command", () => {
  it("runs the script when filled as trove fills it (cwd = dataset root)", async () => {
    const { dir, root, staged, task } = preprocessTask();
    writeScript(join(dir, "scripts/EEG/alpha.py"), `from sinagot import ScriptTemplate\nclass Script(ScriptTemplate):\n    PATH_IN = ("PREPROCESSED", "{id}-{task}-epo.fif.gz")\n    PATH_OUT = ("PROCESSED", "{id}", "alpha")\n`);
    writeScript(join(dir, "scripts/behavior/scores.py"), `from sinagot import ScriptTemplate\nclass Script(ScriptTemplate):\n    PATH_IN = ("HDC", "{id}", "Trial1_report.txt")\n    PATH_OUT = ("PROCESSED", "{id}", "HDC", "behavior-scores.csv")\n`);
    writeScript(join(dir, "scripts/behavior/scores_norm.py"), `from sinagot import ScriptTemplate\nclass Script(ScriptTemplate):\n    PATH_IN = ("PROCESSED", "{id}", "HDC", "behavior-scores.csv")\n    PATH_OUT = ("PROCESSED", "{id}", "HDC", "norm-scores.csv")\n`);
    const config = await loadSinagotWorkspace([dir, join(dir, "custom_conf.toml")]);
    const [cmd, ...args] = fillCommand(config.steps.preprocess.command, { step: "preprocess", entities: { id: ID, task: "RS" } });
    const r = spawnSync(cmd, args, { cwd: root, encoding: "utf8", env: { ...process.env, TROVE_TASK: task } });
    expect(r.stderr).toContain("Run finished");
    expect(r.status).toBe(0);
    expect(JSON.parse(readFileSync(staged, "utf8"))).toMatchObject({ modality: "EEG", label: "preprocess", task: "RS" });
    expect(logLines(root, ID)[0]).toMatchObject({ workspace_version: "0.3.0" });
  });
});
