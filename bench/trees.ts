// Seeded synthetic dataset trees for the indexing benchmark (bench/index-bench.ts uses them).
//
//   await writeAlfTree("bench/out/trees/alf-100k", 100_000);   // lab/Subjects/subj/date/NNN/...
//   await writeBidsTree("bench/out/trees/bids-100k", 100_000); // sub-XXX/ses-YY/{anat,func,...}
//
// The output is a pure function of (kind, files, seed): same names, same bytes, same mtimes, so
// figures taken on these trees compare across runs. File sizes are 32..4096 B, log-uniform; mtimes
// are fixed (session date, noon, + one second per file). The ALF shape follows
// /work/shared/bench/gen_alf_tree.py (100 files per session, 5 labs x 20 subjects). A tree is
// written once: `<root>.complete` records its parameters and a later call with the same ones
// reuses it (100k files take ~10 s to write; 1M files a few minutes).

import { closeSync, existsSync, futimesSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { mulberry32 } from "../src/demo/random.ts";

const TREES_VERSION = 1;

type Rng = () => number;
const int = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** Log-uniform size in [32, 4096] bytes. */
function fileSize(rng: Rng): number {
  return Math.round(Math.exp(Math.log(32) + rng() * (Math.log(4096) - Math.log(32))));
}

function randomBytes(rng: Rng, n: number): Buffer {
  const buf = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 4) {
    const v = (rng() * 4294967296) >>> 0;
    for (let k = 0; k < 4 && i + k < n; k++) buf[i + k] = (v >>> (8 * k)) & 0xff;
  }
  return buf;
}

/** Plausible content for a name: an NPY header, JSON, TSV/CSV text, or random bytes. */
function content(rng: Rng, name: string, size: number): Buffer {
  const ext = name.slice(name.lastIndexOf(".") + 1);
  if (ext === "npy") {
    const n = Math.max(0, (size - 128) >> 3);
    let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${n},), }`;
    header += " ".repeat(64 - ((10 + header.length + 1) % 64)) + "\n";
    const head = Buffer.alloc(10);
    head.write("\x93NUMPY\x01\x00", "latin1");
    head.writeUInt16LE(header.length, 8);
    return Buffer.concat([head, Buffer.from(header, "latin1"), randomBytes(rng, 8 * n)]);
  }
  if (ext === "json") {
    const obj = { RepetitionTime: 2, EchoTime: 0.03, SeriesNumber: int(rng, 1, 40), Note: "" };
    const free = Math.max(0, size - JSON.stringify(obj).length);
    obj.Note = randomBytes(rng, (free >> 1) + 1).toString("hex").slice(0, free);
    return Buffer.from(JSON.stringify(obj));
  }
  if (["tsv", "csv", "ssv", "jsonable", "meta", "ch", "bval", "bvec"].includes(ext)) {
    const sep = ext === "csv" ? "," : ext === "tsv" ? "\t" : " ";
    const rows = ext === "tsv" ? ["onset\tduration\ttrial_type\tresponse_time"] : [];
    let total = rows.join("\n").length;
    while (total < size) {
      const row = [int(rng, 0, 1e6), int(rng, 0, 1e6), int(rng, 0, 1e6), int(rng, 0, 1e6)].join(sep);
      rows.push(row);
      total += row.length + 1;
    }
    return Buffer.from(rows.join("\n") + "\n");
  }
  return randomBytes(rng, size);
}

/** Writes a tree of `files` files (each a relative path, with its mtime), unless it is already there. */
class TreeWriter {
  private made = new Set<string>();
  written = 0;
  bytes = 0;
  constructor(readonly root: string, readonly files: number, private rng: Rng) {}

  get full(): boolean {
    return this.written >= this.files;
  }

  /** Writes one file with a log-uniform size (or `fixed` text); false once the quota is reached. */
  file(rel: string, mtimeS: number, fixed?: string): boolean {
    if (this.full) return false;
    const abs = join(this.root, rel);
    const dir = abs.slice(0, abs.lastIndexOf("/"));
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    const data = fixed !== undefined ? Buffer.from(fixed) : content(this.rng, rel, fileSize(this.rng));
    const fd = openSync(abs, "w", 0o644);
    try {
      writeSync(fd, data);
      futimesSync(fd, mtimeS, mtimeS);
    } finally {
      closeSync(fd);
    }
    this.written++;
    this.bytes += data.length;
    return true;
  }
}

/** Reuses the tree when its `.complete` marker matches; else writes it afresh with `fill`. */
function writeTree(kind: string, root: string, files: number, seed: number, fill: (w: TreeWriter, rng: Rng) => void) {
  const params = JSON.stringify({ kind, files, seed, version: TREES_VERSION });
  const marker = `${root}.complete`; // beside the tree, not in it: it is not data to index
  if (existsSync(marker) && readFileSync(marker, "utf8").split("\n")[0] === params) return { reused: true, files };
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const rng = mulberry32(seed);
  const w = new TreeWriter(root, files, rng);
  fill(w, rng);
  writeFileSync(marker, `${params}\n${JSON.stringify({ files: w.written, bytes: w.bytes })}\n`);
  return { reused: false, files: w.written };
}

const DAY0 = Date.UTC(2019, 0, 1) / 1000;
const isoDate = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);

// ---------------------------------------------------------------- ALF
const LABS = ["angelakilab", "churchlandlab", "cortexlab", "danlab", "hoferlab"];
const NICKS = ["KS", "CSHL", "ZFM", "SWC", "NYU"];
const TRIALS = ["intervals", "choice", "feedbackType", "feedback_times", "contrastLeft", "contrastRight",
  "probabilityLeft", "rewardVolume", "response_times", "stimOn_times", "stimOff_times", "goCue_times",
  "goCueTrigger_times", "firstMovement_times", "quiescencePeriod"];
const CAMERAS = ["leftCamera", "rightCamera", "bodyCamera"];
const SESSION_ALF: string[] = [
  ...TRIALS.map((a) => `alf/_ibl_trials.${a}.npy`),
  "alf/_ibl_trials.table.pqt", "alf/_ibl_trials.stimOn_times_bpod.npy", "alf/_ibl_trials.goCue_times_bpod.npy",
  "alf/_ibl_wheel.position.npy", "alf/_ibl_wheel.timestamps.npy", "alf/_ibl_wheel.timestamps_bpod.npy",
  "alf/_ibl_wheelMoves.intervals.npy", "alf/_ibl_wheelMoves.peakAmplitude.npy",
  ...CAMERAS.flatMap((c) => [`alf/_ibl_${c}.times.npy`, `alf/_ibl_${c}.dlc.pqt`, `alf/${c}.ROIMotionEnergy.npy`]),
  "alf/licks.times.npy", "alf/_ibl_passiveGabor.table.csv", "alf/_ibl_passiveRFM.times.npy",
  "raw_behavior_data/_iblrig_taskData.raw.jsonable", "raw_behavior_data/_iblrig_taskSettings.raw.json",
  "raw_behavior_data/_iblrig_encoderEvents.raw.ssv", "raw_behavior_data/_iblrig_encoderPositions.raw.ssv",
  "raw_behavior_data/_iblrig_encoderTrialInfo.raw.ssv", "raw_behavior_data/_iblrig_ambientSensorData.raw.jsonable",
  "raw_behavior_data/_iblmic_audioOnsetGoCue.times_mic.npy",
  ...CAMERAS.flatMap((c) => [`raw_video_data/_iblrig_${c}.raw.mp4`, `raw_video_data/_iblrig_${c}.frameData.bin`,
    `raw_video_data/_iblrig_${c}.times_bpod.npy`]),
];
const PROBE_ALF = (p: string) => [
  ...["times", "clusters", "amps", "depths", "samples", "templates"].map((a) => `alf/${p}/pykilosort/spikes.${a}.npy`),
  ...["channels", "depths", "amps", "waveforms"].map((a) => `alf/${p}/pykilosort/clusters.${a}.npy`),
  `alf/${p}/pykilosort/clusters.metrics.pqt`, `alf/${p}/pykilosort/spikes.times_ephysClock.npy`,
  `alf/${p}/pykilosort/channels.localCoordinates.npy`, `alf/${p}/pykilosort/channels.mlapdv.npy`,
  `alf/${p}/pykilosort/_kilosort_whitening.matrix.npy`, `alf/${p}/pykilosort/_phy_spikes_subset.waveforms.npy`,
];
/** 100 dataset paths of a session: session-level ones, then probe00, probe01... */
const ALF_SESSION: string[] = (() => {
  const out = [...SESSION_ALF];
  for (let i = 0; out.length < 100; i++) out.push(...PROBE_ALF(`probe${pad(i, 2)}`));
  return out.slice(0, 100);
})();

/** An ALF tree: labs/Subjects/subject/YYYY-MM-DD/NNN/collection[/#revision#]/file, 100 files a session. */
export function writeAlfTree(root: string, files: number, seed = 0) {
  return writeTree("alf", root, files, seed, (w, rng) => {
    const subjects = LABS.flatMap((lab, li) => Array.from({ length: 20 }, (_, s) => [lab, `${NICKS[li]}_${pad(s + 1, 3)}`]));
    const perSubject = new Map<string, number>();
    for (let s = 0; !w.full; s++) {
      const [lab, subject] = subjects[s % subjects.length];
      const k = perSubject.get(subject) ?? 0;
      perSubject.set(subject, k + 1);
      const day = DAY0 + 86400 * (Math.floor(k / 2) * 3 + int(rng, 0, 2));
      const session = `${lab}/Subjects/${subject}/${isoDate(day)}/${pad(1 + (k % 2), 3)}`;
      const revised = rng() < 0.1; // one session in ten has its trials re-extracted in a revision
      ALF_SESSION.forEach((name, j) => {
        const rev = revised && name.startsWith("alf/_ibl_trials.") ? name.replace("alf/", "alf/#2024-05-06#/") : name;
        w.file(`${session}/${rev}`, day + 43200 + j);
      });
    }
  });
}

// ---------------------------------------------------------------- BIDS
const TOP_BIDS: [string, string][] = [
  ["dataset_description.json", '{"Name": "trove bench", "BIDSVersion": "1.9.0", "DatasetType": "raw"}\n'],
  ["participants.tsv", "participant_id\tage\tsex\n"],
  ["participants.json", '{"age": {"Description": "age in years"}}\n'],
  ["README", "Synthetic BIDS dataset for the trove indexing benchmark.\n"],
  ["CHANGES", "1.0.0 2024-01-01\n - initial\n"],
  ["task-rest_bold.json", '{"TaskName": "rest", "RepetitionTime": 2.0}\n'],
  ["task-nback_bold.json", '{"TaskName": "nback", "RepetitionTime": 2.0}\n'],
  ["task-nback_events.json", '{"trial_type": {"Description": "0-back or 2-back"}}\n'],
  ["derivatives/fmriprep/dataset_description.json",
    '{"Name": "fMRIPrep", "BIDSVersion": "1.9.0", "DatasetType": "derivative", "GeneratedBy": [{"Name": "fMRIPrep"}]}\n'],
];

/** Names (after `sub-X_ses-Y_`) of one session, by datatype folder. */
function bidsSession(): string[] {
  const out: string[] = [];
  const pair = (dt: string, stem: string, data = ".nii.gz") => out.push(`${dt}/${stem}${data}`, `${dt}/${stem}.json`);
  pair("anat", "T1w");
  pair("anat", "acq-highres_T2w");
  pair("anat", "FLAIR");
  for (let e = 1; e <= 4; e++) pair("anat", `echo-${e}_MEGRE`);
  for (const run of [1, 2]) {
    pair("func", `task-rest_run-${run}_bold`);
    out.push(`func/task-rest_run-${run}_sbref.nii.gz`);
    pair("func", `task-nback_run-${run}_bold`);
    out.push(`func/task-nback_run-${run}_events.tsv`);
    out.push(`func/task-nback_run-${run}_physio.tsv.gz`, `func/task-nback_run-${run}_physio.json`);
  }
  for (let e = 1; e <= 3; e++) pair("func", `task-rest_acq-me_echo-${e}_bold`);
  for (const dir of ["AP", "PA"]) {
    pair("dwi", `acq-multiband_dir-${dir}_dwi`);
    out.push(`dwi/acq-multiband_dir-${dir}_dwi.bval`, `dwi/acq-multiband_dir-${dir}_dwi.bvec`);
    pair("fmap", `dir-${dir}_epi`);
  }
  pair("fmap", "magnitude1");
  pair("fmap", "magnitude2");
  pair("fmap", "phasediff");
  out.push("scans.tsv");
  return out;
}
const FMRIPREP_SESSION = [
  "anat/desc-preproc_T1w.nii.gz", "anat/desc-preproc_T1w.json", "anat/desc-brain_mask.nii.gz",
  "anat/space-MNI152NLin2009cAsym_desc-preproc_T1w.nii.gz", "anat/label-GM_probseg.nii.gz", "anat/dseg.nii.gz",
  ...[1, 2].flatMap((run) => [
    `func/task-rest_run-${run}_space-MNI152NLin2009cAsym_desc-preproc_bold.nii.gz`,
    `func/task-rest_run-${run}_space-MNI152NLin2009cAsym_desc-preproc_bold.json`,
    `func/task-rest_run-${run}_space-MNI152NLin2009cAsym_desc-brain_mask.nii.gz`,
    `func/task-rest_run-${run}_desc-confounds_timeseries.tsv`,
    `func/task-rest_run-${run}_desc-confounds_timeseries.json`,
  ]),
];
const BIDS_SESSION = bidsSession();
const SESSIONS_PER_SUBJECT = 4;

/** A BIDS dataset: top-level metadata, sub-XXX/ses-YY/{anat,func,dwi,fmap}, derivatives/fmriprep/. */
export function writeBidsTree(root: string, files: number, seed = 0) {
  return writeTree("bids", root, files, seed, (w, rng) => {
    const perSession = BIDS_SESSION.length + 1 + FMRIPREP_SESSION.length * 0.5;
    const subjects = Math.ceil(files / (perSession * SESSIONS_PER_SUBJECT)) + 1;
    const width = Math.max(3, String(subjects).length);
    const participants = Array.from({ length: subjects }, (_, i) => `sub-${pad(i + 1, width)}\t${int(rng, 18, 70)}\t${rng() < 0.5 ? "F" : "M"}`);
    for (const [name, text] of TOP_BIDS) {
      w.file(name, DAY0, name === "participants.tsv" ? text + participants.join("\n") + "\n" : text);
    }
    for (let s = 1; !w.full; s++) {
      const sub = `sub-${pad(s, width)}`;
      const start = DAY0 + 86400 * int(rng, 0, 900);
      w.file(`${sub}/${sub}_sessions.tsv`, start, `session_id\tacq_time\n`);
      for (let t = 1; t <= SESSIONS_PER_SUBJECT && !w.full; t++) {
        const ses = `ses-${pad(t, 2)}`;
        const mtime = start + 86400 * 30 * (t - 1) + 43200;
        BIDS_SESSION.forEach((name, j) => {
          const slash = name.indexOf("/");
          const rel = slash < 0 ? `${sub}_${ses}_${name}` : `${name.slice(0, slash)}/${sub}_${ses}_${name.slice(slash + 1)}`;
          w.file(`${sub}/${ses}/${rel}`, mtime + j);
        });
        if (s % 2 === 0) continue; // fMRIPrep has been run on every other subject
        FMRIPREP_SESSION.forEach((name, j) => {
          const [dt, rest] = name.split("/");
          w.file(`derivatives/fmriprep/${sub}/${ses}/${dt}/${sub}_${ses}_${rest}`, mtime + 86400 + j);
        });
      }
    }
  });
}
