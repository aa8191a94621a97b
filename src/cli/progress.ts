// A progress line on stderr for long work, shown only on a terminal (never in pipes, logs or CI).
//
//   const bar = progressBar();
//   bar.update(1200, 5000, "stat"); bar.stop();

import cliProgress from "cli-progress";

export interface ProgressBar {
  update(done: number, total?: number, label?: string): void;
  stop(): void;
}

export function progressBar(enabled = Boolean(process.stderr.isTTY) && !process.env.CI): ProgressBar {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: " {label} {bar} {value}{totalText}", stream: process.stderr, hideCursor: true, clearOnComplete: true, barsize: 24 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label = "") {
      const payload = { label: label.padEnd(6), totalText: total ? `/${total}` : " files" };
      if (!started) {
        bar.start(total ?? Math.max(done, 1), done, payload);
        started = true;
      }
      bar.setTotal(total ?? Math.max(done, 1));
      bar.update(done, payload);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
