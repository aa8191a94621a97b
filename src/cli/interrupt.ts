// Ctrl-C (or SIGTERM) during long work becomes an AbortSignal, so the work can stop its child
// processes and write down what happened before the command exits. A second Ctrl-C quits at once.
//
//   const report = await interruptible((signal) => runSteps(config, db, { signal }));

export async function interruptible<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${name}: stopping the running tasks (press Ctrl-C again to quit at once)\n`);
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (controller.signal.aborted) process.exitCode = 130;
  }
}
