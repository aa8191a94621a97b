// The `trove` command: parsing and printing only; the work is in the library.
//
//   process.exitCode = await main(["run", "-d", "/data/sonetaa", "-j", "4"]);
//
// Each command's module is imported only when that command is asked for: `trove run` does not
// parse the code of `trove lindi` or `trove one` (loading every command was ~0.1 s of each
// start, measured). Help, --version and unknown words load them all.

import { Command, CommanderError } from "commander";
import { TroveError } from "../errors.ts";
import { TROVE_VERSION } from "../version.ts";

interface CommandModule {
  register(program: Command): void;
}

/** Top-level command names -> their module, in the order `trove --help` lists them. */
const COMMANDS: [names: string[], load: () => Promise<CommandModule>][] = [
  [["demo"], () => import("./commands/demo.ts")],
  [["init"], () => import("./commands/init.ts")],
  [["index"], () => import("./commands/index-command.ts")],
  [["status"], () => import("./commands/status.ts")],
  [["run", "slurm-element"], () => import("./commands/run.ts")],
  [["log"], () => import("./commands/log.ts")],
  [["lineage"], () => import("./commands/lineage.ts")],
  [["parse"], () => import("./commands/parse.ts")],
  [["query"], () => import("./commands/query.ts")],
  [["ls"], () => import("./commands/ls.ts")],
  [["one"], () => import("./commands/one.ts")],
  [["snapshot"], () => import("./commands/snapshot.ts")],
  [["versions", "diff", "version", "checkout"], () => import("./commands/versions.ts")],
  [["push"], () => import("./commands/push.ts")],
  [["pull"], () => import("./commands/pull.ts")],
  [["lindi"], () => import("./commands/lindi.ts")],
  [["worker"], () => import("./commands/worker.ts")],
  [["thot"], () => import("./commands/thot.ts")],
];

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
  const asked = COMMANDS.find(([names]) => names.includes(argv[0]));
  // the version needs no command module (loading them all is most of a bare start)
  if (!asked && argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V")) {
    process.stdout.write(`${TROVE_VERSION}\n`);
    return 0;
  }
  for (const command of await Promise.all((asked ? [asked] : COMMANDS).map(([, load]) => load()))) command.register(program);
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
