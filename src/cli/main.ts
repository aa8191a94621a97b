// The `trove` command: parsing and printing only; the work is in the library.

import { Command, CommanderError } from "commander";
import { TroveError } from "../errors.ts";
import { TROVE_VERSION } from "../version.ts";
import * as demo from "./commands/demo.ts";
import * as index from "./commands/index-command.ts";
import * as init from "./commands/init.ts";
import * as ls from "./commands/ls.ts";
import * as one from "./commands/one.ts";
import * as parse from "./commands/parse.ts";
import * as query from "./commands/query.ts";
import * as status from "./commands/status.ts";
import * as run from "./commands/run.ts";
import * as log from "./commands/log.ts";
import * as lineage from "./commands/lineage.ts";
import * as lindi from "./commands/lindi.ts";
import * as snapshot from "./commands/snapshot.ts";
import * as versions from "./commands/versions.ts";
import * as push from "./commands/push.ts";
import * as pull from "./commands/pull.ts";
import * as worker from "./commands/worker.ts";
import * as thot from "./commands/thot.ts";

/** Exit codes: 0 done, 1 unexpected failure (a bug), 2 bad input (config, path, SQL, usage). */
export async function main(argv: string[]): Promise<number> {
  // `trove query ... | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  const program = new Command("trove")
    .version(TROVE_VERSION)
    .description("Index a dataset into a Parquet catalog and query it with SQL.")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .addHelpText(
      "after",
      `
Start with:
  trove demo                 write a demo EEG dataset, index it and query it
  trove init DIR             write a commented trove.toml for your dataset
  trove index DIR            build or update the catalog (.trove/catalog/*.parquet)
  trove query -d DIR "SQL"   query it`,
    );
  for (const command of [demo, init, index, status, run, log, lineage, parse, query, ls, one, snapshot, versions, push, pull, lindi, worker, thot]) command.register(program);
  const exitOverride = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(exitOverride);
  };
  exitOverride(program);

  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof TroveError) {
      process.stderr.write(`trove: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`trove: unexpected error (please report it):\n${(e as Error).stack ?? e}\n`);
    return 1;
  }
}
