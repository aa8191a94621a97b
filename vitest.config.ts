import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // system-packages first: the servers need the Debian packages it installs.
    globalSetup: ["test/setup/system-packages.ts", "test/setup/radosgw.ts", "test/setup/azurite.ts", "test/setup/slurm.ts"],
  },
});
