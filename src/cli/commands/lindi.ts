// `trove lindi ...`: HDF5/NWB files as LINDI reference files (import), and a look inside either
// kind of file (ls, cat, info), through the same reader.

import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { resolve } from "node:path";
import { InvalidArgumentError, type Command } from "commander";
import { toNestedJson, toText } from "../../array/values-out.ts";
import { TroveError } from "../../errors.ts";
import { isHttpUrl } from "../../h5/open-reader.ts";
import { openArrayTree, redactUrl, type ArrayTree, type TreeItem } from "../../lindi/browse.ts";
import { fromHdf5 } from "../../lindi/from-hdf5.ts";
import { kindForName } from "../../lindi/open-backend.ts";
import { writeLindiFile } from "../../lindi/write-lindi-file.ts";
import { TROVE_VERSION } from "../../version.ts";
import { choice } from "../options.ts";

export function register(program: Command): void {
  const lindi = program
    .command("lindi")
    .description("HDF5/NWB as cloud-friendly LINDI files: import, and look inside (.h5, .nwb, .lindi.json, .lindi.tar, .lindi.d)");

  lindi
    .command("import")
    .description("write a LINDI file for an HDF5/NWB file: its structure, with chunk references into the original (no data copied)")
    .argument("<src>", "HDF5/NWB file: a local path or an http(s) URL")
    .argument("<out>", "the LINDI file to write: .lindi.json, .lindi.tar or .lindi.d (the format follows the name)")
    .option("--url <url>", "URL written into the chunk references (default: SRC's URL, or the absolute path of a local SRC)")
    .option("--inline-below <n>", "numeric datasets with fewer elements than this are stored inline (LINDI: 1000)", toInt, 1000)
    .option("--max-chunks <n>", "datasets with more chunks become _EXTERNAL_ARRAY_LINKs read from SRC (LINDI: 1000; 'none': reference every chunk)", "1000")
    .option("--strict", "fail on anything LINDI cannot express (LINDI's behaviour) instead of leaving it out with a warning")
    .option("-f, --force", "replace OUT if it exists")
    .addHelpText(
      "after",
      `
The result holds every group, attribute and dataset description of SRC as Zarr v2 metadata, small
datasets inline, and [url, offset, length] references to the chunks of the others, so a reader
fetches one JSON (or tar) and then only the chunks it needs. It opens in the Python LINDI
(lindi.LindiH5pyFile.from_lindi_file) and in \`trove lindi ls|cat\`.

What LINDI cannot express (external links, region references, some filters, empty attributes)
is left out and listed; --strict makes it an error instead.

Examples:
  trove lindi import session.nwb session.nwb.lindi.json
  trove lindi import https://dandiarchive.s3.amazonaws.com/blobs/ab/cd/abcd x.nwb.lindi.tar
  trove lindi import data.h5 data.lindi.json --url https://lab.example.org/data.h5 --max-chunks none`,
    )
    .action(async (src: string, out: string, opts: { url?: string; inlineBelow: number; maxChunks: string; strict?: boolean; force?: boolean }) => {
      if (!kindForName(out)) throw new TroveError(`${out}: the output name must end with .lindi.json, .lindi.tar or .lindi.d`);
      if (existsSync(out)) {
        if (!opts.force) throw new TroveError(`${out} exists (add --force to replace it)`);
        await rm(out, { recursive: true, force: true });
      }
      const maxChunks = opts.maxChunks === "none" ? null : Number(opts.maxChunks);
      if (maxChunks !== null && !(Number.isInteger(maxChunks) && maxChunks >= 0)) throw new TroveError(`--max-chunks: expected a whole number or 'none', got ${opts.maxChunks}`);
      const started = performance.now();
      const url = opts.url ?? (isHttpUrl(src) ? src : resolve(src));
      const { rfs, skipped } = await fromHdf5(src, {
        url,
        maxInlineSize: opts.inlineBelow,
        numDatasetChunksThreshold: maxChunks,
        onUnsupported: opts.strict ? "throw" : "skip",
      });
      await writeLindiFile(out, rfs, { generationMetadata: { generatedBy: "trove", troveVersion: TROVE_VERSION, source: redactUrl(url) } });
      const refs = Object.values(rfs.refs);
      const chunkRefs = refs.filter((v) => Array.isArray(v)).length;
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const lines = [`wrote ${out}: ${refs.length} refs, ${chunkRefs} chunk references into ${redactUrl(url)} (${seconds} s)`];
      for (const s of skipped) lines.push(`warning: left out ${s.path}: ${s.reason}`);
      process.stdout.write(lines.join("\n") + "\n");
    });

  lindi
    .command("ls")
    .description("list a group's members (or describe one dataset): kind, shape, dtype, chunks, storage")
    .argument("<file>", ".h5/.nwb or .lindi.json/.lindi.tar/.lindi.d, local or http(s)")
    .argument("[path]", "group or dataset inside the file", "/")
    .option("-r, --recursive", "everything below PATH")
    .option("-a, --attrs", "also print each member's attributes")
    .option("--json", "one JSON object per member")
    .addHelpText(
      "after",
      `
Examples:
  trove lindi ls session.nwb /acquisition
  trove lindi ls -r session.nwb.lindi.json
  trove lindi ls --json https://example.org/x.nwb.lindi.tar /processing`,
    )
    .action(async (file: string, path: string, opts: { recursive?: boolean; attrs?: boolean; json?: boolean }) => {
      await withTree(file, async (tree) => {
        const items = opts.recursive ? tree.walk(path) : iterate(await tree.list(path));
        for await (const it of items) {
          const attrs = opts.attrs && (it.kind === "group" || it.kind === "dataset") ? await tree.attrs(it.path) : undefined;
          if (opts.json) process.stdout.write(JSON.stringify(toNestedJson([{ ...it, ...(attrs ? { attrs } : {}) }], [])) + "\n");
          else {
            process.stdout.write(describe(it, opts.recursive) + "\n");
            for (const [k, v] of Object.entries(attrs ?? {})) process.stdout.write(`    @${k} = ${JSON.stringify(toNestedJson([v], []))}\n`);
          }
        }
      });
    });

  lindi
    .command("cat")
    .description("print a dataset's values (all, or a numpy-style selection)")
    .argument("<file>", ".h5/.nwb or .lindi.json/.lindi.tar/.lindi.d, local or http(s)")
    .argument("<dataset>", "path of the dataset inside the file")
    .option("-s, --slice <selection>", "numpy-style selection: '0:10,:', '5', '::2', '...,-1'")
    .option("--format <format>", "text (one value per line; rows of 2-D data tab-separated) or json (nested lists, exact)", choice(["text", "json"] as const), "text")
    .addHelpText(
      "after",
      `
JSON keeps every value exact: 64-bit integers as strings, NaN and Infinity as "NaN", "Infinity",
"-Infinity", references as the paths they point to. Only the chunks the selection touches are read.

Examples:
  trove lindi cat session.nwb /acquisition/ts/data --slice 0:5,:
  trove lindi cat session.nwb.lindi.json acquisition/ts/timestamps -s -3: --format json`,
    )
    .action(async (file: string, dataset: string, opts: { slice?: string; format: "text" | "json" }) => {
      await withTree(file, async (tree) => {
        const { shape, values } = await tree.read(dataset, opts.slice);
        process.stdout.write(opts.format === "json" ? JSON.stringify(toNestedJson(values, shape)) + "\n" : toText(values, shape));
      });
    });

  lindi
    .command("info")
    .description("what a file holds: format, groups, datasets, attributes; refs and referenced files for LINDI")
    .argument("<file>", ".h5/.nwb or .lindi.json/.lindi.tar/.lindi.d, local or http(s)")
    .option("--json", "as one JSON object")
    .action(async (file: string, opts: { json?: boolean }) => {
      await withTree(file, async (tree) => {
        const counts = { groups: 0, datasets: 0, links: 0, chunkedDatasets: 0 };
        for await (const it of tree.walk("/")) {
          if (it.kind === "group") counts.groups++;
          else if (it.kind === "dataset") {
            counts.datasets++;
            if (it.chunks) counts.chunkedDatasets++;
          } else counts.links++;
        }
        const info = { file: isHttpUrl(file) ? redactUrl(file) : file, format: tree.format, ...counts, ...(await tree.facts()) };
        if (opts.json) process.stdout.write(JSON.stringify(info) + "\n");
        else {
          for (const [k, v] of Object.entries(info)) {
            if (v && typeof v === "object") {
              process.stdout.write(`${k}:\n`);
              for (const [kk, vv] of Object.entries(v)) process.stdout.write(`  ${kk}: ${typeof vv === "object" ? JSON.stringify(vv) : vv}\n`);
            } else process.stdout.write(`${k}: ${v}\n`);
          }
        }
      });
    });
}

function toInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number, got ${v}`);
  return n;
}

async function* iterate<T>(xs: T[]): AsyncGenerator<T> {
  yield* xs;
}

async function withTree(file: string, fn: (tree: ArrayTree) => Promise<void>): Promise<void> {
  const shown = isHttpUrl(file) ? redactUrl(file) : file;
  try {
    const tree = await openArrayTree(file);
    try {
      await fn(tree);
    } finally {
      await tree.close();
    }
  } catch (e) {
    // the reader's messages name the object and offset; the user also needs the file
    if (e instanceof TroveError && !e.message.includes(shown)) e.message = `${shown}: ${e.message}`;
    throw e;
  }
}

function describe(it: TreeItem, full?: boolean): string {
  const name = full ? it.path : it.name;
  switch (it.kind) {
    case "group":
      return `${name}/`;
    case "soft link":
    case "external link":
      return `${name} -> ${it.target} (${it.kind})`;
    case "datatype":
      return `${name}  datatype ${it.dtype}`;
    default: {
      const shape = !it.shape ? "null" : it.shape.length === 0 ? "scalar" : it.shape.length === 1 ? `(${it.shape[0]},)` : `(${it.shape.join(", ")})`;
      const chunks = it.chunks ? `  chunks (${it.chunks.join(", ")})` : "";
      return `${name}  ${shape} ${it.dtype}${chunks}${it.storage ? `  ${it.storage}` : ""}`;
    }
  }
}
