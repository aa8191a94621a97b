// Thot and Syre projects, every generation: read, inherit, search.
//
//   import { ThotProject } from "./compat/thot/index.ts";
//   const project = await ThotProject.open("/data/inclined-plane");
//   project.findContainer({ "metadata.angle": 30 })?.path   // "deg30"

export { ThotFormatError, type ThotProblem, parseObjectFile } from "./errors.ts";
export type { Note, ScriptAssociation, ThotAsset, ThotContainer, ThotGeneration, ThotObject } from "./model.ts";
export { type FindOptions, type OpenOptions, ThotProject, detectThotGeneration } from "./project.ts";
export { type Search, filterResources, matches } from "./search.ts";
