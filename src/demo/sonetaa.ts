// A realistic demo dataset modelled on the SoNeTAA EEG platform (the dataset Sinagot was built
// for): records REC-YYMMDD-X, tasks RS / MMN / HDC, modalities EEG / clinical / behavior.
//
//   writeDemoDataset("/tmp/sonetaa", { records: 36 });  // files + a commented trove.toml
//
// Deterministic (seeded), so the same call gives the same tree, byte for byte. Like real data it
// has gaps (not every record did every task) and one misnamed file to find.

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { mulberry32 } from "./random.ts";

export const DEMO_TASKS = { RS: ["EEG", "clinical"], MMN: ["EEG", "clinical"], HDC: ["EEG", "clinical", "behavior"] } as const;

export interface DemoOptions {
  records?: number;
  seed?: number;
}

export interface DemoSummary {
  records: string[];
  files: number;
}

export function writeDemoDataset(root: string, options: DemoOptions = {}): DemoSummary {
  const random = mulberry32(options.seed ?? 2020);
  const count = options.records ?? 36;
  const records = recordIds(count, random);
  let files = 0;
  const put = (rel: string, data: string | Uint8Array) => {
    const abs = join(root, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, data);
    files++;
  };

  put("README.md", "# SoNeTAA (demo)\n\nSocial neuroscience of autism: resting state (RS), mismatch negativity (MMN)\nand human dynamic clamp (HDC) sessions, with EEG, clinical scores and behaviour.\n");
  const participants = ["record,group,age,sex"];
  records.forEach((id, i) => {
    const group = random() < 0.5 ? "ASD" : "TD";
    const age = (18 + random() * 30).toFixed(1);
    participants.push(`${id},${group},${age},${random() < 0.5 ? "F" : "M"}`);
    for (const [task, modalities] of Object.entries(DEMO_TASKS)) {
      if (i % 7 === 3 && task === "HDC") continue; // some records never did HDC
      if (i % 11 === 5 && task === "MMN") continue;
      const eegName = i === 4 && task === "RS" ? `${id}_${task}` : `${id}-${task}`; // one misnamed recording
      put(`EEG/${id}/${eegName}.mff/signal1.bin`, noise(random, 2048 + Math.floor(random() * 4096)));
      put(`EEG/${id}/${eegName}.mff/info.xml`, `<?xml version="1.0"?>\n<info><task>${task}</task><samplingRate>1000</samplingRate><channels>256</channels></info>\n`);
      put(`clinical/${id}/${id}-${task}-clinical.json`, JSON.stringify({ record: id, task, group, vigilance: Math.round(random() * 10), notes: "" }, null, 1) + "\n");
      if (modalities.includes("behavior" as never)) {
        const rows = ["trial,rt_ms,correct", ...Array.from({ length: 20 }, (_, t) => `${t + 1},${Math.round(250 + random() * 400)},${random() < 0.85 ? 1 : 0}`)];
        put(`behavior/${id}/${id}-${task}-responses.csv`, rows.join("\n") + "\n");
      }
    }
  });
  put("participants.csv", participants.join("\n") + "\n");
  put("scripts/rt-summary.mjs", RT_SUMMARY);
  put("scripts/report.mjs", REPORT);
  writeFileSync(join(root, "trove.toml"), DEMO_CONFIG);
  return { records, files };
}

function recordIds(count: number, random: () => number): string[] {
  const ids: string[] = [];
  let day = Date.UTC(2020, 2, 19);
  while (ids.length < count) {
    const date = new Date(day).toISOString().slice(2, 10).replaceAll("-", "");
    const perDay = 1 + Math.floor(random() * 2);
    for (let k = 0; k < perDay && ids.length < count; k++) ids.push(`REC-${date}-${"ABC"[k]}`);
    day += 86_400_000 * (1 + Math.floor(random() * 5));
  }
  return ids;
}

function noise(random: () => number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) out[i] = Math.floor(random() * 256);
  return out;
}

const DEMO_CONFIG = `# trove.toml for the SoNeTAA demo dataset (written by \`trove demo\`).

[dataset]
name = "sonetaa-demo"
description = "Resting state, mismatch negativity and human dynamic clamp EEG sessions (demo data)"

# Sinagot-style patterns: each names where one task x modality lives. {id} and {task} become
# columns of the catalog; "set" adds constant columns (here the modality).
[[layout]]
type = "template"
patterns = [
  { pattern = "EEG/{id}/{id}-{task}.mff/**", set = { modality = "EEG" } },
  { pattern = "clinical/{id}/{id}-{task}-clinical.json", set = { modality = "clinical" } },
  { pattern = "behavior/{id}/{id}-{task}-responses.csv", set = { modality = "behavior" } },
  "participants.csv",
  "README.md",
  "scripts/*.mjs",
]
[layout.entities]
id = "REC-\\\\d{6}-[A-Z]"
task = "RS|MMN|HDC"

[record]
# The record id is found in the path, as Sinagot's id_pattern does.
id_pattern = "REC-\\\\d{6}-[A-Z]"

# Scopes: ds.RS.EEG (or ds.EEG.RS) in the library.
[tasks.RS]
modalities = ["EEG", "clinical"]
[tasks.MMN]
modalities = ["EEG", "clinical"]
[tasks.HDC]
modalities = ["EEG", "clinical", "behavior"]

[index]
hash = "sha256"
ignore = ["**/.DS_Store"]

# Steps: a script run once per record (here per record x task, since the paths name {task}),
# again only when its inputs, code, params or command changed. \`trove run -n\` says what would run.
[steps.rt]
command = "node scripts/rt-summary.mjs {in.responses} {out.summary}"
inputs = { responses = "behavior/{id}/{id}-{task}-responses.csv" }
outputs = { summary = "derived/{id}/{id}-{task}-rt.json" }
modalities = ["behavior"]        # so: the tasks that have behaviour (HDC)
code = ["scripts/rt-summary.mjs"]

# Reads its params from the task file ($TROVE_TASK), as a script in any language can.
[steps.report]
command = "node scripts/report.mjs"
inputs = { rt = "derived/{id}/{id}-HDC-rt.json", clinical = "clinical/{id}/{id}-HDC-clinical.json" }
outputs = { report = "derived/{id}/{id}-report.txt" }
params = { min_accuracy = 0.8 }
code = ["scripts/report.mjs"]
`;

const RT_SUMMARY = `// Mean reaction time and accuracy of one behaviour file: node rt-summary.mjs IN.csv OUT.json
import { readFileSync, writeFileSync } from "node:fs";

const [input, output] = process.argv.slice(2);
const trials = readFileSync(input, "utf8").trim().split("\\n").slice(1).map((line) => line.split(",").map(Number));
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = { trials: trials.length, mean_rt_ms: Math.round(mean(trials.map((t) => t[1]))), accuracy: mean(trials.map((t) => t[2])) };
writeFileSync(output, JSON.stringify(summary) + "\\n");
`;

const REPORT = `// A one-line report per record, from the task file trove writes (path in $TROVE_TASK).
import { readFileSync, writeFileSync } from "node:fs";

const task = JSON.parse(readFileSync(process.env.TROVE_TASK, "utf8"));
const rt = JSON.parse(readFileSync(task.inputs.rt, "utf8"));
const clinical = JSON.parse(readFileSync(task.inputs.clinical, "utf8"));
const flag = rt.accuracy < task.params.min_accuracy ? "  CHECK: low accuracy" : "";
writeFileSync(task.outputs.report, \`\${task.record} (\${clinical.group}): HDC mean RT \${rt.mean_rt_ms} ms, accuracy \${rt.accuracy.toFixed(2)}\${flag}\\n\`);
`;
