// Thot 0.x notes: every file in a `_notes/` folder is a note titled by its stem, created at its
// mtime, holding its text, or null when the file is not UTF-8.
//
//   await readNotes("/data/inclined-plane", "deg30/_notes", problems)
//   // [{ title: "note_1", created: "2021-03-04T05:06:07.000Z", content: "Ball slipped..." }]

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { ThotProblem } from "./errors.ts";
import type { Note } from "./model.ts";

export async function readNotes(root: string, folder: string, problems: ThotProblem[]): Promise<Note[]> {
  let names: string[];
  try {
    names = readdirSync(join(root, folder), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name).sort();
  } catch (e) {
    problems.push({ path: folder, message: `${folder}: cannot list notes: ${(e as Error).message}` });
    return [];
  }
  const notes: Note[] = [];
  for (const name of names) {
    const abs = join(root, folder, name);
    try {
      const info = statSync(abs);
      const bytes = readFileSync(abs);
      notes.push({ title: stem(name), created: info.mtime.toISOString(), content: decodeUtf8(bytes) });
    } catch (e) {
      problems.push({ path: `${folder}/${name}`, message: `${folder}/${name}: cannot read note: ${(e as Error).message}` });
    }
  }
  return notes;
}

function stem(fileName: string): string {
  const dot = fileName.lastIndexOf(".");
  return dot > 0 ? fileName.slice(0, dot) : fileName;
}

function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
