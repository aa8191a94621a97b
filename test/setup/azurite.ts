// vitest global setup: one in-memory Azurite (Azure Blob emulator) for the whole run, started only
// when a selected test file imports test/support/azurite. Tests get its connection string with
// `inject("azurite")` (see test/support/azurite.ts).
//
//   npx vitest run src/store/azure.test.ts

import type { TestProject } from "vitest/node";
import { selectedFilesUse, serverRunDir, serverUnavailable } from "./servers.ts";
import { startAzurite } from "../support/azurite-process.ts";

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  if (!(await selectedFilesUse(project, "azurite"))) return undefined;
  const run = serverRunDir("azurite");
  try {
    const info = await startAzurite(run.dir);
    project.provide("azurite", info);
  } catch (e) {
    run.stop();
    project.provide("azurite", serverUnavailable(`Azurite could not start: ${(e as Error).message}`));
    return undefined;
  }
  return () => run.stop();
}

