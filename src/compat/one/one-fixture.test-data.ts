// Test data only: the cache tables of ONE's own test fixtures (int-brain-lab/ONE,
// one/tests/fixtures/sessions.pqt and datasets.pqt, read with DuckDB; legacy int64 id pairs turned
// into UUIDs as ONE's patch_tables does; rows in ONE's (eid, id) index order). ONE's test_one.py
// expectations (26 sessions, 693 datasets) are stated against these tables.
//
//   const { sessions, datasets } = oneFixture();   // fresh rows: tests may change them
//
// Dataset ids are the rel_path (ONE's are UUIDs; no ONE test here depends on them). All datasets
// exist and have QC NOT_SET, as after ONE's patch_tables.

import type { OneDataset, OneSession } from "./tables.ts";

type SessionRow = [id: string, lab: string, subject: string, date: string, number: number,
  task_protocol: string, projects: string];

const SESSIONS: SessionRow[] = [
  ["01390fcc-4f86-4707-8a3b-4d9309feb0a1", "cortexlab", "KS005", "2019-04-01", 1,
    "_iblrig_tasks_trainingChoiceWorld3.8.0", "ibl_neuropixel_brainwide_01"],
  ["01927911-79cd-4419-8c3b-ec26f6753c33", "mainenlab", "ZM_1743", "2019-06-06", 1,
    "_iblrig_tasks_trainingChoiceWorld4.1.3", "ibl_neuropixel_brainwide_01"],
  ["0997c66f-6d39-454d-9a0f-be5fdf5714ad", "cortexlab", "KS005", "2019-04-08", 1,
    "_iblrig_tasks_trainingChoiceWorld4.0.1", "ibl_neuropixel_brainwide_01"],
  ["0e81c212-68ed-447e-8e81-4451f74cd3bb", "mainenlab", "ZM_1743", "2019-06-12", 1,
    "_iblrig_tasks_trainingChoiceWorld4.1.3", "ibl_neuropixel_brainwide_01"],
  ["13c99443-01ee-462e-b668-717daa526fc0", "cortexlab", "KS005", "2019-04-10", 3,
    "_iblrig_tasks_trainingChoiceWorld4.0.1", "ibl_neuropixel_brainwide_01"],
  ["1479e07d-e913-48cf-9a8f-da2c53b67e73", "mainenlab", "ZM_1743", "2019-06-13", 1,
    "_iblrig_tasks_trainingChoiceWorld4.1.3", "ibl_neuropixel_brainwide_01"],
  ["1883dedd-4f25-4d3d-bc9a-97f3b366a0a0", "cortexlab", "KS005", "2019-04-05", 1,
    "_iblrig_tasks_trainingChoiceWorld4.0.1", "ibl_neuropixel_brainwide_01"],
  ["3473f9d2-aa5d-41a6-9048-c65d0b7ab97c", "cortexlab", "ZM_335", "2019-07-17", 2,
    "", "ibl_cortexlab"],
  ["4e0b3320-47b7-416e-b842-c34dc9004cf8", "zadorlab", "flowers", "2018-07-13", 1,
    "", "ibl_mainenlab"],
  ["52e61b91-3bc2-4a87-83e3-1081c216197f", "mainenlab", "ZM_1743", "2019-06-11", 1,
    "_iblrig_tasks_trainingChoiceWorld4.1.3", "ibl_neuropixel_brainwide_01"],
  ["6747cb9e-9e12-4848-a59b-fb3beb3c7551", "mainenlab", "ZM_1743", "2019-06-10", 1,
    "_iblrig_tasks_trainingChoiceWorld4.1.3", "ibl_neuropixel_brainwide_01"],
  ["7dc3c44b-225f-4083-be3d-07b8562885f4", "cortexlab", "KS005", "2019-04-11", 1,
    "_iblrig_tasks_trainingChoiceWorld4.0.1", "ibl_neuropixel_brainwide_01"],
  ["7f2eaa70-9fe3-40bc-a2da-3075b44daf10", "cortexlab", "KS005", "2019-04-03", 1,
    "_iblrig_tasks_trainingChoiceWorld4.0.1", "ibl_neuropixel_brainwide_01"],
  ["8dd0fcb0-1151-4c97-ae35-2e2421695ad7", "mainenlab", "ZM_1743", "2019-06-14", 1,
    "_iblrig_tasks_trainingChoiceWorld4.1.3", "ibl_neuropixel_brainwide_01"],
  ["a41019f8-e430-473b-b22c-bb740dbecc33", "mainenlab", "ZM_1743", "2019-06-05", 1,
    "_iblrig_tasks_trainingChoiceWorld4.1.3", "ibl_neuropixel_brainwide_01"],
  ["a9d89baf-9905-470c-8565-859ff212c7be", "mainenlab", "ZM_1743", "2019-06-04", 1,
    "_iblrig_tasks_trainingChoiceWorld4.1.3", "ibl_neuropixel_brainwide_01"],
  ["aaf101c3-2581-450a-8abd-ddb8f557a5ad", "cortexlab", "KS005", "2019-04-04", 4,
    "_iblrig_tasks_trainingChoiceWorld4.0.1", "ibl_neuropixel_brainwide_01"],
  ["abf5109c-d780-44c8-9561-83e857c7bc01", "cortexlab", "KS005", "2019-04-10", 2,
    "_iblrig_tasks_trainingChoiceWorld4.0.1", "ibl_neuropixel_brainwide_01"],
  ["ac80cd12-49e5-4aff-b5f2-1a718679ceeb", "cortexlab", "ZM_1094", "2019-01-28", 1,
    "_iblrig_tasks_habituationChoiceWorld3.5.3", "ibl_cortexlab"],
  ["b1c968ad-4874-468d-b2e4-5ffa9b9964e9", "mainenlab", "ZM_1150", "2019-05-07", 1,
    "_iblrig_tasks_ephysChoiceWorld4.1.3", "ibl_neuropixel_brainwide_01"],
  ["bc93a3b2-070d-47a8-a2b8-91b3b6e9f25c", "cortexlab", "KS005", "2019-04-02", 1,
    "_iblrig_tasks_trainingChoiceWorld3.8.0", "ibl_neuropixel_brainwide_01"],
  ["cf264653-2deb-44cb-aa84-89b82507028a", "mainenlab", "clns0730", "2018-08-24", 2,
    "", "ibl_mainenlab"],
  ["d3372b15-f696-4279-9be5-98f15783b5bb", "mainenlab", "ZFM-01935", "2021-02-05", 1,
    "_iblrig_tasks_ephysChoiceWorld6.4.2", "None"],
  ["db524c42-6356-4c61-b236-4967c54d2665", "mainenlab", "ZM_1743", "2019-06-07", 1,
    "_iblrig_tasks_trainingChoiceWorld4.1.3", "ibl_neuropixel_brainwide_01"],
  ["dfe99506-b873-45db-bc93-731f9362e304", "cortexlab", "ZM_335", "2019-07-17", 1,
    "", "ibl_cortexlab"],
  ["f33f41cc-347a-458d-98c8-7e1c2c9c7600", "cortexlab", "KS005", "2019-04-09", 1,
    "_iblrig_tasks_trainingChoiceWorld4.0.1", "ibl_neuropixel_brainwide_01"],
];

/** Every distinct rel_path; DATASETS refers to them by base-36 index. */
const REL_PATHS: string[] = [
  "raw_behavior_data/_iblrig_codeFiles.raw.zip",
  "alf/_ibl_wheel.timestamps.npy",
  "raw_video_data/_iblrig_videoCodeFiles.raw.zip",
  "raw_video_data/_iblrig_leftCamera.timestamps.ssv",
  "alf/_ibl_trials.rewardVolume.npy",
  "alf/_ibl_trials.itiDuration.npy",
  "alf/_ibl_wheel.position.npy",
  "raw_behavior_data/_iblrig_taskSettings.raw.json",
  "raw_behavior_data/_iblrig_ambientSensorData.raw.jsonable",
  "raw_behavior_data/_iblrig_encoderPositions.raw.ssv",
  "alf/_ibl_trials.stimOn_times.npy",
  "alf/_ibl_trials.goCueTrigger_times.npy",
  "alf/_ibl_trials.included.npy",
  "raw_behavior_data/_iblrig_encoderEvents.raw.ssv",
  "alf/_ibl_trials.intervals.npy",
  "alf/_ibl_trials.feedback_times.npy",
  "alf/_ibl_trials.choice.npy",
  "alf/_ibl_trials.contrastRight.npy",
  "alf/_ibl_wheel.velocity.npy",
  "raw_behavior_data/_iblrig_encoderTrialInfo.raw.ssv",
  "alf/_ibl_trials.probabilityLeft.npy",
  "alf/_ibl_trials.repNum.npy",
  "alf/_ibl_trials.goCue_times.npy",
  "alf/_ibl_trials.feedbackType.npy",
  "alf/_ibl_trials.response_times.npy",
  "raw_behavior_data/_iblrig_taskData.raw.jsonable",
  "alf/_ibl_trials.contrastLeft.npy",
  "raw_video_data/_iblrig_leftCamera.raw.mp4",
  "channels.sitePositions.npy",
  "channels.probe.npy",
  "channels.site.npy",
  "channels.brainLocation.tsv",
  "channels.rawRow.npy",
  "alf/clusters.waveformDuration.npy",
  "alf/spikes.depths.npy",
  "alf/channels.rawRow.npy",
  "alf/clusters.amps.tsv",
  "alf/spikes.amps.npy",
  "alf/clusters.peakChannel.npy",
  "alf/_ibl_wheel.times.npy",
  "alf/channels.sitePositions.npy",
  "alf/spikes.times.npy",
  "alf/spikes.clusters.npy",
  "alf/ks2/spikes.clusters.npy",
  "alf/clusters.depths.npy",
  "spikes.clusters.npy",
  "probes.description.tsv",
  "eye.xyPos.npy",
  "clusters._phy_annotation.npy",
  "spikes.times.npy",
  "clusters.waveformDuration.npy",
  "probes.sitePositions.npy",
  "_ibl_lickPiezo.timestamps.npy",
  "eye.blink.npy",
  "clusters.depths.npy",
  "clusters.peakChannel.npy",
  "spikes.amps.npy",
  "licks.times.npy",
  "spontaneous.intervals.npy",
  "clusters.templateWaveforms.npy",
  "_ibl_lickPiezo.raw.npy",
  "probes.rawFilename.tsv",
  "_ibl_wheel.position.npy",
  "eye.timestamps.npy",
  "spikes.depths.npy",
  "eye.area.npy",
  "_ibl_wheel.timestamps.npy",
  "clusters.probes.npy",
  "probes.insertion.tsv",
  "alf/_ibl_trials.firstMovement_times.npy",
  "alf/probe00/spikes.templates.npy",
  "raw_ephys_data/_spikeglx_ephysData_g0_t0.nidq.meta",
  "raw_ephys_data/probe00/_iblqc_ephysSpectralDensityAP.freqs.npy",
  "alf/_ibl_wheelMoves.peakAmplitude.npy",
  "alf/probe00/channels.localCoordinates.npy",
  "alf/probes.description.json",
  "raw_ephys_data/probe00/_iblqc_ephysSpectralDensityLF.freqs.npy",
  "alf/probe00/channels.rawInd.npy",
  "raw_video_data/_iblrig_rightCamera.timestamps.ssv",
  "alf/_ibl_leftCamera.times.npy",
  "alf/probe00/spikes.clusters.npy",
  "alf/probe00/clusters.metrics.pqt",
  "raw_ephys_data/_spikeglx_ephysData_g0_t0.nidq.ch",
  "alf/_ibl_passiveRFM.times.npy",
  "alf/_ibl_trials.intervals_bpod.npy",
  "alf/probe00/_kilosort_whitening.matrix.npy",
  "alf/_ibl_passiveGabor.table.csv",
  "alf/probe00/templates.waveformsChannels.npy",
  "raw_video_data/_iblrig_rightCamera.raw.mp4",
  "alf/probe00/clusters.channels.npy",
  "raw_ephys_data/probe00/_iblqc_ephysSpectralDensityAP.power.npy",
  "raw_ephys_data/probe00/_iblqc_ephysTimeRmsLF.timestamps.npy",
  "raw_ephys_data/probe00/_spikeglx_ephysData_g0_t0.imec0.ap.meta",
  "alf/probe00/spikes.depths.npy",
  "raw_passive_data/_iblrig_taskSettings.raw.json",
  "raw_ephys_data/probe00/_spikeglx_ephysData_g0_t0.imec0.ap.cbin",
  "raw_ephys_data/_spikeglx_ephysData_g0_t0.nidq.cbin",
  "alf/probe00/clusters.peakToTrough.npy",
  "raw_ephys_data/probe00/_spikeglx_ephysData_g0_t0.imec0.wiring.json",
  "raw_ephys_data/probe00/_iblqc_ephysTimeRmsAP.rms.npy",
  "raw_video_data/_iblrig_bodyCamera.frame_counter.bin",
  "raw_ephys_data/probe00/_spikeglx_ephysData_g0_t0.imec0.timestamps.npy",
  "raw_video_data/_iblrig_leftCamera.GPIO.bin",
  "raw_passive_data/_iblrig_syncSquareUpdate.raw.csv",
  "raw_passive_data/_iblrig_RFMapStim.raw.bin",
  "alf/_ibl_trials.stimOff_times.npy",
  "alf/probe00/_phy_spikes_subset.channels.npy",
  "raw_passive_data/_iblrig_encoderPositions.raw.ssv",
  "raw_behavior_data/_iblrig_stimPositionScreen.raw.csv",
  "alf/probe00/clusters.waveforms.npy",
  "raw_ephys_data/_spikeglx_sync.channels.npy",
  "alf/_ibl_wheelMoves.intervals.npy",
  "alf/_ibl_rightCamera.times.npy",
  "raw_ephys_data/_spikeglx_sync.times.npy",
  "alf/probe00/spikes.samples.npy",
  "alf/_ibl_bodyCamera.times.npy",
  "alf/probe00/clusters.amps.npy",
  "alf/probe00/clusters.uuids.csv",
  "raw_ephys_data/_spikeglx_ephysData_g0_t0.nidq.wiring.json",
  "raw_ephys_data/probe00/_spikeglx_ephysData_g0_t0.imec0.lf.ch",
  "raw_ephys_data/probe00/_iblqc_ephysTimeRmsAP.timestamps.npy",
  "raw_video_data/_iblrig_bodyCamera.raw.mp4",
  "alf/probe00/clusters.depths.npy",
  "raw_ephys_data/_spikeglx_sync.polarities.npy",
  "alf/probe00/spikes.times.npy",
  "alf/probe00/_phy_spikes_subset.waveforms.npy",
  "raw_video_data/_iblrig_leftCamera.frame_counter.bin",
  "raw_ephys_data/probe00/_spikeglx_ephysData_g0_t0.imec0.ap.ch",
  "raw_behavior_data/_iblrig_micData.raw.flac",
  "alf/probe00/templates.amps.npy",
  "raw_ephys_data/probe00/_spikeglx_ephysData_g0_t0.imec0.lf.meta",
  "raw_ephys_data/probe00/_spikeglx_sync.polarities.probe00.npy",
  "raw_video_data/_iblrig_bodyCamera.GPIO.bin",
  "raw_video_data/_iblrig_rightCamera.frame_counter.bin",
  "raw_behavior_data/_iblrig_syncSquareUpdate.raw.csv",
  "alf/probes.trajectory.json",
  "alf/probe00/clusters.waveformsChannels.npy",
  "alf/probe00/templates.waveforms.npy",
  "raw_ephys_data/probe00/_spikeglx_sync.times.probe00.npy",
  "raw_ephys_data/probe00/_spikeglx_ephysData_g0_t0.imec0.lf.cbin",
  "raw_passive_data/_iblrig_encoderTrialInfo.raw.ssv",
  "alf/probe00/_phy_spikes_subset.spikes.npy",
  "raw_ephys_data/probe00/_iblqc_ephysSpectralDensityLF.power.npy",
  "raw_ephys_data/probe00/_spikeglx_ephysData_g0_t0.imec0.sync.npy",
  "raw_ephys_data/probe00/_spikeglx_sync.channels.probe00.npy",
  "raw_video_data/_iblrig_bodyCamera.timestamps.ssv",
  "alf/_ibl_passivePeriods.intervalsTable.csv",
  "raw_video_data/_iblrig_rightCamera.GPIO.bin",
  "alf/probe00/spikes.amps.npy",
  "raw_ephys_data/probe00/_iblqc_ephysTimeRmsLF.rms.npy",
  "alf/_ibl_passiveStims.table.csv",
  "raw_passive_data/_iblrig_stimPositionScreen.raw.csv",
  "raw_passive_data/_iblrig_encoderEvents.raw.ssv",
];

/** Each session's datasets, in table order. */
const DATASETS: Record<string, string> = {
  "01390fcc-4f86-4707-8a3b-4d9309feb0a1": [
    "0 1 2 3 4 5 6 7 8 9 a b c d e f g h i j k l m n o p q",
  ].join(" "),
  "01927911-79cd-4419-8c3b-ec26f6753c33": [
    "n k 7 1 4 b 2 q 9 r 5 j g p a f d l 6 8 i e o 3 m h c 0",
  ].join(" "),
  "0997c66f-6d39-454d-9a0f-be5fdf5714ad": [
    "3 4 b n 9 d 8 e c 2 5 j m 7 q l p o i h 0 6 1 g f k",
  ].join(" "),
  "0e81c212-68ed-447e-8e81-4451f74cd3bb": [
    "i 9 o g h 3 6 n c e 5 l 0 2 a 8 j f b r 7 q 4 d p 1 m k",
  ].join(" "),
  "13c99443-01ee-462e-b668-717daa526fc0": [
    "6 8 g 3 5 f b l k q a 0 9 j m n p i 4 e h c 1 o 7 2 d",
  ].join(" "),
  "1479e07d-e913-48cf-9a8f-da2c53b67e73": [
    "6 n 7 p 8 c f 0 2 o b l r e d 5 3 q a g 4 k 9 j i 1 m h",
  ].join(" "),
  "1883dedd-4f25-4d3d-bc9a-97f3b366a0a0": [
    "9 b 8 m f 0 2 1 3 c k l 5 7 e o i 4 n 6 h d g a p q j",
  ].join(" "),
  "4e0b3320-47b7-416e-b842-c34dc9004cf8": [
    "s t u v w",
  ].join(" "),
  "52e61b91-3bc2-4a87-83e3-1081c216197f": [
    "c k 7 l d f 1 h 9 m e r p j 0 g a 4 n o 3 8 b q 5 i 6 2",
  ].join(" "),
  "6747cb9e-9e12-4848-a59b-fb3beb3c7551": [
    "m d 1 q 8 p 0 2 3 g c b k 4 i o h j a r l 9 n e f 5 7 6",
  ].join(" "),
  "7dc3c44b-225f-4083-be3d-07b8562885f4": [
    "6 b o 9 q 1 m h g d 8 j a c 4 3 f k 2 7 0 l n i 5 e p",
  ].join(" "),
  "7f2eaa70-9fe3-40bc-a2da-3075b44daf10": [
    "5 d e g c l a 2 o n h f 8 q 4 b i 3 j 6 1 9 m k 0 7 p",
  ].join(" "),
  "8dd0fcb0-1151-4c97-ae35-2e2421695ad7": [
    "9 j 5 i e k g p 2 h a r 8 n 4 d 1 o 7 3 m f l 0 q c b 6",
  ].join(" "),
  "a41019f8-e430-473b-b22c-bb740dbecc33": [
    "k r c o l f 6 q e g 4 3 8 1 j n 7 i 0 2 d p a m 5 h 9 b",
  ].join(" "),
  "a9d89baf-9905-470c-8565-859ff212c7be": [
    "8 h k d a m 9 i 4 r p 1 c n 6 2 b 3 f j 7 q l g 5 0 e o",
  ].join(" "),
  "aaf101c3-2581-450a-8abd-ddb8f557a5ad": [
    "3 h k a c e 5 7 2 b g m 0 q 6 j n o 4 1 i p l f d 9 8",
  ].join(" "),
  "abf5109c-d780-44c8-9561-83e857c7bc01": [
    "0 m e h 1 o g j a d 2 q 3 b 4 c n l p 6 f i k 8 7 9 5",
  ].join(" "),
  "b1c968ad-4874-468d-b2e4-5ffa9b9964e9": [
    "q x y g 0 o 6 z j e m 10 n 11 b 12 d 13 14 k 15 p 16 17 7 5 18 9 4 h 8 a f i",
  ].join(" "),
  "bc93a3b2-070d-47a8-a2b8-91b3b6e9f25c": [
    "d l 8 g p 4 o f c 5 9 j 2 6 m 3 0 a i k q e n 1 b 7 h",
  ].join(" "),
  "cf264653-2deb-44cb-aa84-89b82507028a": [
    "19 1a t 1b v 1c 1d 1e 1f 1g 1h 1i 1j 1k 1l 1m 1n s 1o u 1p 1q 1r 1s 1t 1u 1v 1w",
  ].join(" "),
  "d3372b15-f696-4279-9be5-98f15783b5bb": [
    "a 1x 1y 3 1z 20 21 22 23 24 25 8 26 27 28 k 29 2a 2b 2c 2d 2e 2f 2g 2h 2i 2j 2k 2l 2m 2n",
    "2o 2p 2q 2r 2s f 2t 2u 2v 2w g 2x 2y 2z 30 4 31 32 33 e 34 6 35 j 36 37 38 39 p 3a 7 r",
    "3b 3c 3d 3e 3f 3g 3h o d 3i 3j 3k q 3l 3m 3n 3o 3p 3q 3r 3s 3t 9 m 3u 3v 3w 3x 3y 3z 40",
    "41 42 43 1 b 44 h 45 46 47 n 48",
  ].join(" "),
  "db524c42-6356-4c61-b236-4967c54d2665": [
    "g q p 6 9 o 3 n k 7 l c a 1 r b 8 d i j 5 e 2 4 m 0 h f",
  ].join(" "),
  "f33f41cc-347a-458d-98c8-7e1c2c9c7600": [
    "g 5 e c f j d 9 7 i n 4 2 o p l 8 m 1 3 q 6 k h 0 b",
  ].join(" "),
};

export function oneFixture(): { sessions: OneSession[]; datasets: OneDataset[] } {
  const sessions = SESSIONS.map(([id, lab, subject, date, number, task_protocol, projects]) => ({
    id, lab, subject, date, number, task_protocol, projects,
  }));
  const datasets: OneDataset[] = [];
  for (const [eid, indices] of Object.entries(DATASETS)) {
    for (const index of indices.split(" ")) {
      const rel_path = REL_PATHS[parseInt(index, 36)];
      datasets.push({
        eid, id: rel_path, rel_path, file_size: null, hash: "", exists: true, qc: "NOT_SET",
      });
    }
  }
  return { sessions, datasets };
}

export interface RevisionsTableOptions {
  collections?: readonly string[];
  revisions?: readonly string[];
  object?: string;
  attributes?: readonly string[];
}

/**
 * ONE's `one/tests/util.py::revisions_datasets_table`: for each attribute, collection and revision
 * (in that nesting) a dataset `collection/#revision#/object.attribute.npy`, all in one new
 * session, existing, QC NOT_SET. ("waveforems" is ONE's spelling.)
 */
export function revisionsDatasetsTable(options: RevisionsTableOptions = {}): OneDataset[] {
  const {
    collections = ["", "alf/probe00", "alf/probe01"],
    revisions = ["", "2020-01-08", "2021-07-06"],
    object = "spikes",
    attributes = ["times", "waveforems"],
  } = options;
  const eid = "9f4c3b2a-0000-4000-8000-000000000001";
  const rows: OneDataset[] = [];
  for (const attribute of attributes) {
    for (const collection of collections) {
      for (const revision of revisions) {
        const folders = [collection, revision && `#${revision}#`].filter(Boolean);
        const rel_path = [...folders, `${object}.${attribute}.npy`].join("/");
        rows.push({
          eid, id: rel_path, rel_path, file_size: 0, hash: "", exists: true, qc: "NOT_SET",
        });
      }
    }
  }
  return rows;
}
