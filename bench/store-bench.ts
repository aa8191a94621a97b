// Store benchmark: how close S3Store and `trove push` come to the floor, plain AWS SDK calls, against
// a throwaway radosgw it starts itself (scripts/ci/start-rgw.sh) and stops at the end, and how long
// `trove snapshot` takes. Each measurement is one entry of MEASUREMENTS (push and snapshot sections
// in bench/store-push.ts); results go to bench/out/store-results.md.
//
//   npm run bench:store                       # all sections
//   BENCH_SMALL_FILES=2000 BENCH_LARGE_MB=256 npx tsx bench/store-bench.ts   # quicker
//   BENCH_SECTIONS=push npx tsx bench/store-bench.ts                         # some sections
//
// Goals: every trove row ≥ 0.8x its floor; the rows without a floor carry their own.

import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, openSync, closeSync, rmSync, statfsSync, writeSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { S3Store } from "../src/store/s3.ts";
import { PUSH_MEASUREMENTS } from "./store-push.ts";
import { freePort } from "../test/setup/servers.ts";

const root = join(import.meta.dirname, "..");
const MiB = 1 << 20;
const SMALL_FILES = Number(process.env.BENCH_SMALL_FILES ?? 10_000);
const SMALL_SIZE = 1024;
const SMALL_CONCURRENCY = 32;
const LARGE_MB = Number(process.env.BENCH_LARGE_MB ?? 1024);
const LARGE_QUEUE = 8;
const PART = 8 * MiB;

export interface BenchContext {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** A scratch folder, removed at the end. */
  tmp: string;
  /** A new empty bucket. */
  bucket(): Promise<string>;
  client(): S3Client;
  store(bucket: string, prefix?: string): S3Store;
}

export interface Row {
  section: string;
  what: string;
  seconds: number;
  /** e.g. "12.3 MB/s" or "1234 files/s" */
  rate: number;
  unit: "MB/s" | "files/s";
  /** The floor row this one is compared with (its `what`): goal ≥ 0.8x its rate. */
  vs?: string;
  /** A goal of its own (rows without `vs`), and whether it was met. */
  goal?: string;
  ok?: boolean;
  /** Free text: the requests made, the runs. */
  note?: string;
}

export interface Measurement {
  name: string;
  run(ctx: BenchContext): Promise<Row[]>;
}

/** Runs `n` tasks with at most `limit` in flight. */
export async function pool(n: number, limit: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, n) }, async () => {
    for (let i = next++; i < n; i = next++) await task(i);
  }));
}

export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

/**
 * Runs each variant ROUNDS times, alternating (floor, trove, floor, trove, …) so a busy moment of
 * this shared 2-core machine hits them alike, and keeps each variant's best time.
 */
export async function alternate(
  variants: { what: string; vs?: string; run(): Promise<unknown>; after?(round: number, last: boolean): Promise<unknown> }[],
  amount: number, unit: Row["unit"], section: string,
): Promise<Row[]> {
  const best = new Map<string, number>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of variants) {
      const t = await timed(v.run);
      best.set(v.what, Math.min(best.get(v.what) ?? Infinity, t));
      await v.after?.(r, r === ROUNDS - 1); // untimed cleanup
    }
  }
  return variants.map((v) => ({ section, what: v.what, vs: v.vs, seconds: best.get(v.what)!, rate: amount / best.get(v.what)!, unit }));
}

const smallFiles: Measurement = {
  name: `${SMALL_FILES} small files (${SMALL_SIZE} B), concurrency ${SMALL_CONCURRENCY}`,
  async run(ctx) {
    const { createHash } = await import("node:crypto");
    const bodies = Array.from({ length: SMALL_FILES }, () => randomBytes(SMALL_SIZE));
    const shas = bodies.map((x) => createHash("sha256").update(x).digest("hex"));
    const client = ctx.client();
    // Warm up: the first writes to a fresh cluster create pools and bucket indexes.
    const warm = await ctx.bucket();
    await pool(500, SMALL_CONCURRENCY, (i) => client.send(new PutObjectCommand({ Bucket: warm, Key: `w/${i}`, Body: bodies[i % bodies.length] })));
    const floorName = "floor: SDK PutObject";
    const rows = await alternate([
      { what: floorName, run: async () => { const b = await ctx.bucket(); await pool(SMALL_FILES, SMALL_CONCURRENCY, (i) => client.send(new PutObjectCommand({ Bucket: b, Key: `f/${i}`, Body: bodies[i] }))); } },
      { what: "trove: S3Store.write", vs: floorName, run: async () => { const s = ctx.store(await ctx.bucket(), "ds"); await pool(SMALL_FILES, SMALL_CONCURRENCY, (i) => s.write(`f/${i}`, bodies[i])); await s.close(); } },
      { what: "trove: S3Store.write + sha256 (checksum + Content-MD5)", vs: floorName, run: async () => { const s = ctx.store(await ctx.bucket(), "ds"); await pool(SMALL_FILES, SMALL_CONCURRENCY, (i) => s.write(`f/${i}`, bodies[i], { sha256: shas[i] })); await s.close(); } },
    ], SMALL_FILES, "files/s", this.name);
    client.destroy();
    return rows;
  },
};

const largeFile: Measurement = {
  name: `one ${LARGE_MB} MB file, multipart (${PART / MiB} MiB parts, ${LARGE_QUEUE} in flight)`,
  async run(ctx) {
    const size = LARGE_MB * MiB;
    const free = statfsSync(ctx.tmp).bavail * statfsSync(ctx.tmp).bsize;
    if (free < size * 2) throw new Error(`need ${(2 * size) / 1e9} GB free in ${ctx.tmp}, have ${(free / 1e9).toFixed(1)}`);
    const path = join(ctx.tmp, "large.bin");
    const fd = openSync(path, "w");
    for (let done = 0; done < size; done += 64 * MiB) writeSync(fd, randomBytes(Math.min(64 * MiB, size - done)));
    closeSync(fd);
    const { createHash } = await import("node:crypto");
    const h = createHash("sha256");
    for await (const c of createReadStream(path, { highWaterMark: 4 * MiB })) h.update(c as Buffer);
    const sha = h.digest("hex");
    const client = ctx.client();
    const bucket = await ctx.bucket();
    const s = ctx.store(bucket);
    const floorName = "floor: lib-storage Upload";
    // memstore keeps objects in RAM: each run deletes its copy so one at a time is stored, untimed,
    // and waits out radosgw's garbage collection (5 s period) so no variant pays for another's.
    const drop = async () => { await s.delete("large"); await new Promise((r) => setTimeout(r, 12_000)); };
    const rows = await alternate([
      { what: floorName, run: () => new Upload({ client, params: { Bucket: bucket, Key: "large", Body: createReadStream(path, { highWaterMark: MiB }) }, partSize: PART, queueSize: LARGE_QUEUE }).done(), after: drop },
      { what: "trove: S3Store.write (file path)", vs: floorName, run: () => s.write("large", { path, size }), after: drop },
      { what: "trove: S3Store.write + sha256 (hashed while sent + ETag check)", vs: floorName, run: () => s.write("large", { path, size }, { sha256: sha }), after: drop },
    ], size / 1e6, "MB/s", this.name);
    client.destroy();
    await s.close();
    rmSync(path);
    return rows;
  },
};

/** The sections, in order: S3Store itself, then push, second push and snapshot (bench/store-push.ts). */
export const MEASUREMENTS: Measurement[] = [smallFiles, largeFile, ...PUSH_MEASUREMENTS];
/** BENCH_SECTIONS=push,snapshot: only the sections whose names contain one of these. */
const SECTIONS = process.env.BENCH_SECTIONS?.split(",").filter(Boolean);


async function startRadosgw(dir: string, memstoreBytes: number) {
  const r = spawnSync(join(root, "scripts/ci/start-rgw.sh"), [join(dir, "rgw"), String(await freePort()), String(await freePort())], {
    encoding: "utf8", env: { ...process.env, RGW_MEMSTORE_BYTES: String(memstoreBytes) },
  });
  if (r.status !== 0) throw new Error(`radosgw did not start: ${r.stderr}`);
  const [endpoint, accessKeyId, secretAccessKey] = r.stdout.trim().split("\n").pop()!.split(" ");
  return { endpoint, credentials: { accessKeyId, secretAccessKey } };
}

const RATIO_MIN = 0.8;

function table(rows: Row[]): string {
  const out = ["| section | what | seconds | rate | vs floor | goal | result | notes |", "|---|---|---:|---:|---:|---|---|---|"];
  for (const r of rows) {
    const floor = r.vs ? rows.find((x) => x.section === r.section && x.what === r.vs) : undefined;
    const ratio = floor ? r.rate / floor.rate : undefined;
    const goal = floor ? `≥ ${RATIO_MIN}x` : r.goal ?? "";
    const ok = ratio !== undefined ? ratio >= RATIO_MIN : r.ok;
    const result = ok === undefined ? "" : ok ? "PASS" : "MISS";
    out.push(`| ${r.section} | ${r.what} | ${r.seconds.toFixed(2)} | ${r.rate.toFixed(r.unit === "MB/s" ? 1 : 0)} ${r.unit} | ${ratio === undefined ? "" : `${ratio.toFixed(2)}x`} | ${goal} | ${result} | ${r.note ?? ""} |`);
  }
  return out.join("\n");
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "trove-bench-store-"));
  // Objects live in the OSD's RAM (a cap, allocated as used): room for the large object while garbage
  // collection catches up, plus the small files and their per-object overhead.
  const memstore = Number(process.env.RGW_MEMSTORE_BYTES ?? Math.max(4 * 1024 * MiB, 4 * LARGE_MB * MiB + 2048 * MiB));
  // The watchdog stops the daemons even if this process is killed.
  spawn(join(root, "scripts/ci/reap-when-gone.sh"), [String(process.pid), tmp], { detached: true, stdio: "ignore" }).unref();
  const stop = () => spawnSync(join(root, "scripts/ci/stop-servers.sh"), [tmp, "--rm"], { stdio: "inherit" });
  process.on("SIGINT", () => { stop(); process.exit(130); });
  try {
    const started = Date.now();
    const gw = await startRadosgw(tmp, memstore);
    console.log(`radosgw at ${gw.endpoint} in ${((Date.now() - started) / 1000).toFixed(1)} s (memstore ${(memstore / 2 ** 30).toFixed(1)} GiB)`);
    let n = 0;
    const ctx: BenchContext = {
      ...gw,
      tmp,
      client: () => new S3Client({ endpoint: gw.endpoint, region: "us-east-1", forcePathStyle: true, credentials: gw.credentials, requestChecksumCalculation: "WHEN_REQUIRED", requestHandler: { httpAgent: { keepAlive: true, maxSockets: 64 } } }),
      bucket: async () => {
        const c = ctx.client();
        const name = `bench-${process.pid}-${n++}`;
        await c.send(new CreateBucketCommand({ Bucket: name }));
        c.destroy();
        return name;
      },
      store: (bucket, prefix) => new S3Store({ bucket, prefix, endpoint: gw.endpoint, credentials: gw.credentials, queueSize: LARGE_QUEUE, partSize: PART }),
    };
    const rows: Row[] = [];
    for (const m of MEASUREMENTS.filter((m) => !SECTIONS || SECTIONS.some((x) => m.name.includes(x)))) {
      console.log(`… ${m.name}`);
      const got = await m.run(ctx);
      rows.push(...got);
      console.log(table(got));
    }
    const md = [
      "# Store benchmark (bench/store-bench.ts)",
      "",
      `${new Date().toISOString()}, Node ${process.version}, radosgw 16 (memstore) on 127.0.0.1, this machine's ${(await import("node:os")).cpus().length} cores. Goal: trove ≥ 0.8x its floor.`,
      "",
      table(rows),
      "",
    ].join("\n");
    mkdirSync(join(root, "bench/out"), { recursive: true });
    writeFileSync(join(root, "bench/out/store-results.md"), md);
    console.log("\n" + md);
  } finally {
    stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
