// The shape of `trove.toml`, as zod schemas. `loadConfig` (load.ts) reads the file and turns zod's
// issues into errors that name the file, the line and the key.
//
//   [dataset]  name = "sonetaa"
//   [[layout]] type = "template"  patterns = ["raw/{id}-{task}.csv"]
//   [record]   id_pattern = "REC-\\d{6}-[A-Z]"
//   [tasks.RS] modalities = ["EEG", "clinical"]
//   [index]    hash = "sha256"  ignore = ["**/*.tmp"]
//   [steps.alpha] command = "python alpha.py {in.eeg} {out.alpha}"  inputs = {...}  outputs = {...}

import { z } from "zod";

export const HASH_ALGORITHMS = ["none", "md5", "sha256"] as const;
export type HashAlgorithm = (typeof HASH_ALGORITHMS)[number];

const name = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a name of letters, digits and _");

const templatePattern = z.union([
  z.string().min(1),
  z.strictObject({ pattern: z.string().min(1), set: z.record(name, z.string()).optional() }),
]);

export const layoutSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("alf") }),
  z.strictObject({ type: z.literal("bids"), derivatives: z.boolean().default(true) }),
  z.strictObject({
    type: z.literal("template"),
    patterns: z.array(templatePattern).min(1),
    entities: z.record(name, z.string()).optional(),
  }),
  z.strictObject({ type: z.literal("containers") }),
]);
export type LayoutConfig = z.infer<typeof layoutSchema>;
export const LAYOUT_TYPES = ["alf", "bids", "template", "containers"] as const;
export type LayoutType = (typeof LAYOUT_TYPES)[number];

const recordSchema = z
  .strictObject({
    /** Entities whose values, joined by "/", make the id; a trailing "?" marks one optional. */
    entities: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\??$/, "an entity name, optionally ending in ?")).min(1).optional(),
    /** Sinagot style: the first match of this regex in the file's path is its record id. */
    id_pattern: z.string().min(1).optional(),
  })
  .refine((r) => (r.entities === undefined) !== (r.id_pattern === undefined), {
    message: "set exactly one of record.entities or record.id_pattern",
  });

/** A step: a script run once per record (a task), with named inputs and outputs as path patterns. */
export const stepSchema = z.strictObject({
  /** argv template: {in.NAME}, {out.NAME}, {params.KEY} and record entities such as {id}. */
  command: z.string().min(1),
  inputs: z.record(name, z.string().min(1)).default({}),
  /** May be empty: a check that only reads (it is up to date while its fingerprint holds). */
  outputs: z.record(name, z.string().min(1)).default({}),
  /** Which records: tasks and modalities (Sinagot scopes) and/or SQL over the files table. */
  tasks: z.array(name).optional(),
  modalities: z.array(name).optional(),
  where: z.string().min(1).optional(),
  /** Files whose content is part of the step's fingerprint (its scripts). */
  code: z.array(z.string().min(1)).default([]),
  params: z.record(name, z.union([z.string(), z.number(), z.boolean()])).default({}),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "an environment variable name"), z.string()).default({}),
  /** Seconds. */
  timeout: z.number().positive().optional(),
  retries: z.number().int().min(0).default(0),
  after: z.array(name).default([]),
});
export type StepConfig = z.infer<typeof stepSchema>;

export const configSchema = z.strictObject({
  dataset: z.strictObject({
    name: z.string().min(1),
    description: z.string().default(""),
    /** Where the data lives, relative to trove.toml; default: the folder holding trove.toml. */
    root: z.string().min(1).optional(),
  }),
  layout: z.array(layoutSchema).min(1),
  record: recordSchema.optional(),
  tasks: z.record(name, z.strictObject({ modalities: z.array(name).default([]) })).default({}),
  steps: z.record(name, stepSchema).default({}),
  index: z
    .strictObject({
      hash: z.enum(HASH_ALGORITHMS).default("none"),
      ignore: z.array(z.string().min(1)).default([]),
      follow_symlinks: z.boolean().default(false),
    })
    .default({ hash: "none", ignore: [], follow_symlinks: false }),
  /** Defaults for `trove run --executor NAME`; flags and env override them. */
  executor: z
    .strictObject({
      redis: z.strictObject({ url: z.string().min(1).optional(), queue: z.string().min(1).optional() }).optional(),
    })
    .optional(),
});

export type ConfigFile = z.infer<typeof configSchema>;
