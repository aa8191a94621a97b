// The commented trove.toml that `trove init` writes: every section present, every choice explained,
// so the file teaches what it can say.
//
//   writeFileSync("trove.toml", configTemplate({ name: "ibl", layout: "alf" }));

import type { LayoutType } from "./schema.ts";

export interface TemplateInput {
  name: string;
  layout: LayoutType;
  description?: string;
  /** Why this layout was chosen, when it was detected. */
  reason?: string;
}

const LAYOUT_BLOCKS: Record<LayoutType, string> = {
  alf: `[[layout]]
# IBL's ALF naming: (lab/Subjects/)subject/date/number/(collection/)(#revision#/)_ns_object.attribute_timescale.extra.ext
type = "alf"`,
  bids: `[[layout]]
# BIDS: sub-<label>/[ses-<label>/]<datatype>/<entities>_<suffix><extension>; JSON sidecars are merged
# into each file's metadata (nearest sidecar wins); derivatives/<pipeline>/ is indexed and marked.
type = "bids"
derivatives = true`,
  template: `[[layout]]
# Your own patterns, tried in order: {name} is one entity value, * any text within a folder name,
# ** any number of folders. "set" gives constant entities to the files a pattern matches.
type = "template"
patterns = [
  { pattern = "EEG/{id}/{id}-{task}.mff/**", set = { modality = "EEG" } },
  { pattern = "clinical/{id}/{id}-{task}-clinical.json", set = { modality = "clinical" } },
]
# Optional regex per entity (default: anything within one folder name).
[layout.entities]
id = "REC-\\\\d{6}-[A-Z]"`,
  containers: `[[layout]]
# Thot-style folders: a folder holding _container.json is a container, one holding _asset.json an
# asset; metadata is inherited down the tree (nearest wins) and _notes/ are collected.
type = "containers"`,
};

const RECORD_BLOCKS: Record<LayoutType, string> = {
  alf: `# An ALF session is a record; "lab?" means the lab part is left out where a tree has none.
entities = ["lab?", "subject", "date", "number"]`,
  bids: `# A BIDS subject (and session, where there are sessions) is a record.
entities = ["subject", "session?"]`,
  template: `# Either entities joined by "/" ...
entities = ["id"]
# ... or, Sinagot style, the first match of a regex in the path:
# id_pattern = "REC-\\\\d{6}-[A-Z]"`,
  containers: `# Records are made of entities; for containers, the container folder:
entities = ["container"]`,
};

export function configTemplate(input: TemplateInput): string {
  const { name, layout } = input;
  const chosen = input.reason ? `\n# Layout "${layout}" was chosen because trove found ${input.reason}.` : "";
  return `# trove.toml: how trove reads this dataset. Reference: \`trove init --help\`.${chosen}

[dataset]
name = ${JSON.stringify(name)}
description = ${JSON.stringify(input.description ?? "")}
# root = "data"   # where the files are, relative to this file (default: this folder)

# One or more layouts turn a file's path into entities (columns of the catalog). Each file is
# offered to the layouts in order; the first that accepts it wins. Files no layout accepts are
# still catalogued with valid = false, so almost-right names can be found: \`trove ls files --where "not valid"\`.
${LAYOUT_BLOCKS[layout]}

[record]
${RECORD_BLOCKS[layout]}

# Tasks and the modalities each has give scopes: ds.RS.EEG in the library, --where in the CLI.
# [tasks.RS]
# modalities = ["EEG", "clinical"]

[index]
# Content hashes: "none" (fastest; changes are found by size, mtime and inode), "md5" or "sha256".
hash = "none"
# Paths to leave out (globs relative to the root). .trove/ and .git/ are always left out.
ignore = ["**/.DS_Store", ".datalad/**"]
# Follow symlinked folders (loops are detected). Symlinked files are always catalogued.
follow_symlinks = false
`;
}
