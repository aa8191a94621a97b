// Test-side access to the run's Azurite (started by test/setup/azurite.ts): importing this module
// is what makes the setup start it. Fails clearly, never skips, when it could not start.
//
//   import { azurite, extraAzurite } from "../../test/support/azurite.ts";
//   const { connectionString } = azurite();
//   const dead = await extraAzurite(); dead.kill();   // a private instance to kill

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inject } from "vitest";
import { startAzurite, type AzuriteInfo } from "./azurite-process.ts";

declare module "vitest" {
  export interface ProvidedContext {
    azurite: AzuriteInfo | { error: string };
  }
}

export type { AzuriteInfo };

export function azurite(): AzuriteInfo {
  const info = inject("azurite");
  if (!info) throw new Error("Azurite was not started: test/setup/azurite.ts is not in vitest.config.ts globalSetup, or TROVE_TEST_SERVERS excludes it");
  if ("error" in info) throw new Error(info.error);
  return info;
}

/** A private Azurite for tests that kill their server; its pid file lets the run's teardown reap it. */
export async function extraAzurite(): Promise<AzuriteInfo & { kill(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "trove-azurite-extra-"));
  // The owner file tells a later run's orphan reaper to leave it alone while this worker lives.
  writeFileSync(join(dir, "owner"), String(process.pid));
  const info = await startAzurite(dir);
  return { ...info, kill: () => process.kill(info.pid, "SIGKILL") };
}
