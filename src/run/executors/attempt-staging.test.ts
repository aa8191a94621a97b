// A queue attempt's own staging folder: the paths the runner wrote into a task are moved to it,
// and the folders of earlier attempts are removed. (The SIGKILLed worker whose task process lives
// on is in test/run-redis-cli.test.ts.)

import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../../test/helpers.ts";
import type { TaskSpec } from "../executor.ts";
import { stagedPath, stagingDir } from "../staging.ts";
import { attemptKey, attemptSpec, cleanEarlierAttempts } from "./attempt-staging.ts";

function spec(dir: string): TaskSpec {
  const key = "run1/work:R1";
  const final = join(dir, "out dir", "R1.csv");
  const staged = stagedPath(key, final);
  return {
    id: "work:R1",
    command: ["sh", "-c", `cp in '${staged}'`, staged],
    cwd: dir,
    env: { TROVE_TASK: join(dir, "R1.task.json"), OTHER: "untouched" },
    outputs: { out: final },
    stagingKey: key,
    files: { [join(dir, "R1.task.json")]: JSON.stringify({ outputs: { out: staged }, final_outputs: { out: final } }) },
    logFile: join(dir, "R1.log"),
  };
}

describe("attempt staging", () => {
  it("keeps the first attempt as the runner wrote it", () => {
    const s = spec(tempDir());
    expect(attemptSpec(s, 1)).toBe(s);
    expect(attemptKey(s, 1)).toBe("run1/work:R1");
  });

  it("moves every staged path of a later attempt to its own folder", () => {
    const dir = tempDir();
    const s = spec(dir);
    const second = attemptSpec(s, 2);
    const old = stagedPath("run1/work:R1", s.outputs.out);
    const now = stagedPath("run1/work:R1#2", s.outputs.out);
    expect(second.stagingKey).toBe("run1/work:R1#2");
    expect(now).not.toBe(old);
    expect(second.command).toEqual(["sh", "-c", `cp in '${now}'`, now]);
    expect(second.env).toEqual(s.env);
    const task = JSON.parse(second.files![join(dir, "R1.task.json")]);
    expect(task).toEqual({ outputs: { out: now }, final_outputs: { out: s.outputs.out } });
    expect(JSON.stringify(second)).not.toContain(stagingDir("run1/work:R1", "/x").slice(1));
  });

  it("removes the staging folders of the earlier attempts, not this one's", () => {
    const s = spec(tempDir());
    const folders = [1, 2, 3].map((k) => stagingDir(attemptKey(s, k), s.outputs.out));
    for (const f of folders) {
      mkdirSync(f, { recursive: true });
      writeFileSync(join(f, "R1.csv"), "partial");
    }
    cleanEarlierAttempts(s, 3);
    expect(folders.map((f) => existsSync(f))).toEqual([false, false, true]);
  });
});
