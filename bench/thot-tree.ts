// Writes the Thot 0.x project the bench:thot benchmark runs on: 10,000 containers on 5 levels
// (1 project, 10, 100, 1,000, then 8,889 leaves), 50,000 assets spread over the leaves, and one
// trivial script associated with every leaf container.
//
//   const tree = writeThotTree("/scratch/thot-10k", { containers: 10_000, assets: 50_000 });
//   tree.leaves   // 8889: the number of script runs a full run makes
//
// Written once: `<root>.complete` marks a finished tree, which is reused as it is.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface ThotTree {
  root: string;
  containers: number;
  assets: number;
  leaves: number;
  files: number;
  reused: boolean;
}

const VERSION = 1;
const json = (v: unknown) => JSON.stringify(v);

export function writeThotTree(root: string, size: { containers: number; assets: number }): ThotTree {
  const marker = `${root}.complete`;
  if (existsSync(marker)) {
    const done = JSON.parse(readFileSync(marker, "utf8")) as ThotTree & { version: number };
    if (done.version === VERSION && done.containers === size.containers && done.assets === size.assets) return { ...done, root, reused: true };
  }
  rmSync(root, { recursive: true, force: true });
  // levels 0..3 branch by 10; what is left of the containers are the leaves, under level 3
  const inner = [1, 10, 100, 1000];
  const leaves = size.containers - inner.reduce((a, b) => a + b, 0);
  if (leaves < 1) throw new Error(`${size.containers} containers are too few for 5 levels`);
  let files = 0;
  const write = (path: string, text: string) => {
    writeFileSync(path, text);
    files++;
  };
  mkdirSync(join(root, "scripts"), { recursive: true });
  write(join(root, "_container.json"), json({ name: "bench", type: "project", metadata: { lab: "bench" } }));
  write(join(root, "scripts/leaf.py"), "# a trivial analysis script\n");
  const level3: string[] = [];
  for (let a = 0; a < 10; a++) {
    const l1 = join(root, `g${a}`);
    mkdirSync(l1);
    write(join(l1, "_container.json"), json({ type: "group", metadata: { group: a } }));
    for (let b = 0; b < 10; b++) {
      const l2 = join(l1, `s${b}`);
      mkdirSync(l2);
      write(join(l2, "_container.json"), json({ type: "subject", metadata: { subject: a * 10 + b } }));
      for (let c = 0; c < 10; c++) {
        const l3 = join(l2, `d${c}`);
        mkdirSync(l3);
        write(join(l3, "_container.json"), json({ type: "session", metadata: { session: c } }));
        level3.push(l3);
      }
    }
  }
  const leafDirs: string[] = [];
  for (let i = 0; i < leaves; i++) {
    const dir = join(level3[i % level3.length], `m${i}`);
    mkdirSync(dir);
    write(join(dir, "_container.json"), json({ type: "measurement", metadata: { angle: i % 90 } }));
    write(join(dir, "_scripts.json"), json([{ script: "root:/scripts/leaf.py" }]));
    leafDirs.push(dir);
  }
  for (let k = 0; k < size.assets; k++) {
    const dir = join(leafDirs[k % leafDirs.length], `a${k}`);
    mkdirSync(dir);
    write(join(dir, "_asset.json"), json({ type: "raw", file: "data.csv" }));
    write(join(dir, "data.csv"), `t,v\n0,${k}\n`);
  }
  const tree = { root, containers: size.containers, assets: size.assets, leaves, files, reused: false };
  writeFileSync(marker, json({ ...tree, version: VERSION }));
  return tree;
}
