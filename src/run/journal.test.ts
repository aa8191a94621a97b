import { appendFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers.ts";
import { journalPath, openJournal, readJournal, type RunRow, writeJournalSnapshot } from "./journal.ts";

function row(task: string, status: RunRow["status"], run: string): RunRow {
  const parts = { command: "c", code: "k", params: "p", inputs: run };
  return {
    run, task, step: task.split(":")[0], record: task.split(":")[1], unit: {}, status, fingerprint: run, parts,
    started: "2026-01-01T00:00:00.000Z", ended: "2026-01-01T00:00:01.000Z", seconds: 1, exit_code: status === "done" ? 0 : 1,
    attempts: 1, host: "h", inputs: [{ name: "raw", path: `raw/${task}`, hash: `h-${run}`, key: `k-${run}` }], outputs: [], log: "x.log", message: null,
  };
}

describe("the run journal", () => {
  it("reads the same from a snapshot plus the lines after it as from the whole history", () => {
    const root = tempDir();
    const writer = openJournal(root);
    writer.append(row("a:R1", "done", "r1"));
    writer.append(row("a:R2", "done", "r1"));
    writer.append(row("a:R1", "failed", "r2"));
    writer.close();
    writeJournalSnapshot(root);
    const more = openJournal(root);
    more.append(row("a:R2", "done", "r3"));
    more.close();
    const journal = readJournal(root);
    expect(journal.rows).toBe(4); // three rows in the snapshot (R1's last done and last run, R2), one after it
    expect(journal.latest.get("a:R1")?.status).toBe("failed");
    expect(journal.lastDone.get("a:R1")?.run).toBe("r1");
    expect(journal.lastDone.get("a:R2")?.run).toBe("r3");
    expect(journal.hashes.get("raw/a:R2")).toEqual({ key: "k-r3", hash: "h-r3" });
  });

  it("skips a line torn by a crash and starts the next write on a line of its own", () => {
    const root = tempDir();
    const writer = openJournal(root);
    writer.append(row("a:R1", "done", "r1"));
    writer.close();
    appendFileSync(journalPath(root), '{"run":"r2","task":"a:R2","sta');
    const next = openJournal(root);
    next.append(row("a:R3", "done", "r3"));
    next.close();
    const journal = readJournal(root);
    expect([...journal.lastDone.keys()].sort()).toEqual(["a:R1", "a:R3"]);
  });

  it("ignores a snapshot that is ahead of a journal replaced by hand", () => {
    const root = tempDir();
    const writer = openJournal(root);
    writer.append(row("a:R1", "done", "r1"));
    writer.append(row("a:R2", "done", "r1"));
    writer.close();
    writeJournalSnapshot(root);
    writeFileSync(journalPath(root), `${JSON.stringify(row("a:R9", "done", "r9"))}\n`);
    expect([...readJournal(root).lastDone.keys()]).toEqual(["a:R9"]);
  });
});
