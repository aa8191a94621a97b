// The push and snapshot sections of the store benchmark (bench/store-bench.ts runs them): the real
// `trove push --data` of an indexed, snapshotted dataset against plain SDK calls putting the same
// files, a second push of the unchanged dataset (its time and its requests by type), and
// `trove snapshot` of a 100k-file catalog.
//
//   npm run bench:store                                      # every section
//   BENCH_SECTIONS=push,snapshot npx tsx bench/store-bench.ts  # only these (substrings of names)
//
// Goals (the issue's): push ≥ 0.8x the floor's throughput; a second push ≤ 5% of the first's time
// with no PUT of data (listing and HEAD only); snapshot of 100k files ≤ 2 s beyond hashing.

import { createReadStream, mkdirSync, openSync, closeSync, writeSync, writeFileSync, statfsSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { randomBytes } from "node:crypto";
import { indexDataset } from "../src/catalog/indexer.ts";
import { hashFiles } from "../src/catalog/hash.ts";
import { loadConfig } from "../src/config/load.ts";
import type { S3Store } from "../src/store/s3.ts";
import { manifestRows } from "../src/versions/data.ts";
import { objectKey } from "../src/versions/layout.ts";
import { localVersions } from "../src/versions/local.ts";
import { DEFAULT_PUSH_CONCURRENCY, pushVersion } from "../src/versions/push.ts";
import { createSnapshot } from "../src/versions/snapshot.ts";
import { alternate, pool, timed, type BenchContext, type Measurement, type Row } from "./store-bench.ts";
import { writeAlfTree } from "./trees.ts";

const MiB = 1 << 20;
const SMALL_FILES = Number(process.env.BENCH_SMALL_FILES ?? 10_000);
const LARGE_MB = Number(process.env.BENCH_LARGE_MB ?? 1024);
const SNAPSHOT_FILES = Number(process.env.BENCH_SNAPSHOT_FILES ?? 100_000);
const SECOND_PUSH_MAX = 0.05;
const SNAPSHOT_MAX_S = 2;

/** A dataset folder trove indexes (ALF layout, sha256 hashes), indexed and snapshotted. */
async function makeDataset(dir: string, name: string, fill: (dir: string) => void) {
  fill(dir);
  writeFileSync(join(dir, "trove.toml"), `[dataset]\nname = "${name}"\n[[layout]]\ntype = "alf"\n[index]\nhash = "sha256"\n`);
  const config = await loadConfig(dir);
  await indexDataset(config);
  const v = await createSnapshot(config);
  const files = await manifestRows(localVersions(dir), v);
  return { config, files: [...new Map(files.map((f) => [f.sha256, f])).values()] };
}

/** Counts the store's requests by SDK command (retries not counted twice). */
function countRequests(store: S3Store): Map<string, number> {
  const counts = new Map<string, number>();
  store.client.middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? "?").replace(/Command$/, "");
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return next(args);
    },
    { step: "initialize", name: "benchCountRequests" },
  );
  return counts;
}

const describeCounts = (c: Map<string, number>) => [...c].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n} ${k}`).join(", ");
const puts = (c: Map<string, number>) => (c.get("PutObject") ?? 0) + (c.get("UploadPart") ?? 0) + (c.get("CreateMultipartUpload") ?? 0);

/** The second push of an unchanged dataset, on the bucket of the first: time and requests. */
async function secondPush(ctx: BenchContext, dir: string, bucket: string, first: Row, section: string, dataBytes: number): Promise<Row> {
  const store = ctx.store(bucket, "lab/ds");
  const counts = countRequests(store);
  let report: Awaited<ReturnType<typeof pushVersion>> | undefined;
  const seconds = await timed(async () => (report = await pushVersion(dir, store, { data: true })));
  await store.close();
  const share = seconds / first.seconds;
  const noData = report!.objects.bytes === 0 && puts(counts) === 0;
  return {
    section, what: "trove: second push, unchanged", seconds, rate: first.rate * (first.seconds / seconds), unit: first.unit,
    goal: `≤ ${SECOND_PUSH_MAX * 100}% of first, no PUT`, ok: share <= SECOND_PUSH_MAX && noData,
    note: `${(share * 100).toFixed(1)}% of the first push; requests: ${describeCounts(counts)}; ${(dataBytes / 1e6).toFixed(1)} MB not re-sent`,
  };
}

const pushSmall: Measurement = {
  name: `push of ${SMALL_FILES} small files (ALF tree, 32..4096 B), concurrency ${DEFAULT_PUSH_CONCURRENCY}`,
  async run(ctx) {
    const dir = join(ctx.tmp, "push-small");
    const { files } = await makeDataset(dir, "push_small", (d) => writeAlfTree(d, SMALL_FILES));
    const bytes = files.reduce((s, f) => s + f.size, 0);
    const client = ctx.client();
    // Warm up: the first writes to a fresh cluster create pools and bucket indexes.
    const warm = await ctx.bucket();
    await pool(500, DEFAULT_PUSH_CONCURRENCY, (i) => client.send(new PutObjectCommand({ Bucket: warm, Key: `w/${i}`, Body: randomBytes(1024) })));
    const floorName = "floor: SDK PutObject of the same files";
    let lastBucket = "";
    let firstCounts = new Map<string, number>();
    const rows = await alternate([
      {
        what: floorName,
        run: async () => {
          const b = await ctx.bucket();
          await pool(files.length, DEFAULT_PUSH_CONCURRENCY, async (i) => {
            const body = await readFile(join(dir, files[i].path));
            await client.send(new PutObjectCommand({ Bucket: b, Key: `lab/ds/${objectKey(files[i].sha256)}`, Body: body }));
          });
        },
      },
      {
        what: "trove: pushVersion --data (sha256-checked)", vs: floorName,
        run: async () => {
          lastBucket = await ctx.bucket();
          const store = ctx.store(lastBucket, "lab/ds");
          firstCounts = countRequests(store);
          await pushVersion(dir, store, { data: true });
          await store.close();
        },
      },
    ], files.length, "files/s", this.name);
    rows[1].note = `requests: ${describeCounts(firstCounts)}`;
    rows.push(await secondPush(ctx, dir, lastBucket, rows[1], this.name, bytes));
    client.destroy();
    return rows;
  },
};

const pushLarge: Measurement = {
  name: `push of one ${LARGE_MB} MB file, 8 MiB parts, 8 in flight`,
  async run(ctx) {
    const size = LARGE_MB * MiB;
    const free = statfsSync(ctx.tmp).bavail * statfsSync(ctx.tmp).bsize;
    if (free < size * 2) throw new Error(`need ${(2 * size) / 1e9} GB free in ${ctx.tmp}, have ${(free / 1e9).toFixed(1)}`);
    const dir = join(ctx.tmp, "push-large");
    const rel = "lab/Subjects/s1/2024-01-01/001/raw_ephys_data/_spikeglx_ephysData_g0_t0.imec0.ap.bin";
    const { files } = await makeDataset(dir, "push_large", (d) => {
      mkdirSync(join(d, rel, ".."), { recursive: true });
      const fd = openSync(join(d, rel), "w");
      for (let done = 0; done < size; done += 64 * MiB) writeSync(fd, randomBytes(Math.min(64 * MiB, size - done)));
      closeSync(fd);
    });
    const big = files.find((f) => f.path === rel)!;
    const client = ctx.client();
    const floorName = "floor: lib-storage Upload of the file";
    let lastBucket = "";
    const dropBig = async (bucket: string) => {
      // memstore keeps objects in RAM: each run deletes its copy so one at a time is stored, and
      // waits out radosgw's garbage collection (5 s period) so neither variant pays for the other's.
      const s = ctx.store(bucket, "lab/ds");
      await s.delete(objectKey(big.sha256));
      await s.close();
      await new Promise((r) => setTimeout(r, 12_000));
    };
    const rows = await alternate([
      {
        what: floorName,
        run: async () => {
          lastBucket = await ctx.bucket();
          await new Upload({ client, params: { Bucket: lastBucket, Key: `lab/ds/${objectKey(big.sha256)}`, Body: createReadStream(join(dir, rel), { highWaterMark: MiB }) }, partSize: 8 * MiB, queueSize: 8 }).done();
        },
        after: () => dropBig(lastBucket),
      },
      {
        what: "trove: pushVersion --data (sha256-checked)", vs: floorName,
        run: async () => {
          lastBucket = await ctx.bucket();
          const store = ctx.store(lastBucket, "lab/ds");
          await pushVersion(dir, store, { data: true });
          await store.close();
        },
        // the last push stays for the second push to find
        after: (_, last) => (last ? Promise.resolve() : dropBig(lastBucket)),
      },
    ], size / 1e6, "MB/s", this.name);
    rows.push(await secondPush(ctx, dir, lastBucket, rows[1], this.name, size));
    await dropBig(lastBucket);
    client.destroy();
    rmSync(dir, { recursive: true, force: true });
    return rows;
  },
};

const snapshot: Measurement = {
  name: `snapshot of a ${SNAPSHOT_FILES / 1000}k-file catalog (ALF tree, indexed with sha256)`,
  async run(ctx) {
    const section = this.name;
    const dir = join(ctx.tmp, "snapshot");
    writeAlfTree(dir, SNAPSHOT_FILES);
    writeFileSync(join(dir, "trove.toml"), `[dataset]\nname = "snap"\n[[layout]]\ntype = "alf"\n[index]\nhash = "sha256"\n`);
    const config = await loadConfig(dir);
    let hashed = 0;
    const index = await timed(async () => (hashed = (await indexDataset(config)).hashed));
    if (hashed < SNAPSHOT_FILES) throw new Error(`the index hashed ${hashed} files, expected ${SNAPSHOT_FILES}`);
    // What hashing alone costs (the index did it; the snapshot must not do it again). The first
    // snapshot, untimed, warms the caches and names the files.
    const paths = await snapshotPaths(dir);
    const hashing = await timed(() => hashFiles(dir, paths, "sha256"));
    const runs: number[] = [];
    for (let r = 0; r < 3; r++) runs.push(await timed(() => createSnapshot(config)));
    const seconds = runs.sort((a, b) => a - b)[1];
    return [
      { section, what: "(info) trove index, sha256 (walk + parse + hash)", seconds: index, rate: SNAPSHOT_FILES / index, unit: "files/s" },
      { section, what: "(info) hashing alone: hashFiles sha256", seconds: hashing, rate: SNAPSHOT_FILES / hashing, unit: "files/s" },
      {
        section, what: "trove: createSnapshot (median of 3)", seconds, rate: SNAPSHOT_FILES / seconds, unit: "files/s",
        goal: `≤ ${SNAPSHOT_MAX_S} s`, ok: seconds <= SNAPSHOT_MAX_S, note: `runs ${runs.map((x) => x.toFixed(2)).join(", ")} s; nothing re-hashed`,
      },
    ];
  },
};

/** Takes a snapshot; the relative paths of the files it names. */
async function snapshotPaths(dir: string): Promise<string[]> {
  const v = await createSnapshot(await loadConfig(dir));
  return (await manifestRows(localVersions(dir), v)).map((f) => f.path);
}

export const PUSH_MEASUREMENTS: Measurement[] = [pushSmall, pushLarge, snapshot];
