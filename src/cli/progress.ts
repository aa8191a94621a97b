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

export interface TaskProgress {
  update(counts: { done: number; failed: number; running: number }, total: number): void;
  stop(): void;
}

/** `trove run`'s line: tasks finished of total, failed, running, and the time left. */
export function taskProgress(enabled = Boolean(process.stderr.isTTY) && !process.env.CI): TaskProgress {
  if (!enabled) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: " run {bar} {value}/{total} | {failed} failed | {running} running | ETA {eta}", stream: process.stderr, hideCursor: true, clearOnComplete: true, barsize: 24 },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const t0 = Date.now();
  return {
    update({ done, failed, running }, total) {
      const finished = done + failed;
      const left = finished > 0 ? Math.round(((Date.now() - t0) / finished) * (total - finished) / 1000) : undefined;
      const payload = { failed, running, eta: left === undefined ? "?" : left >= 120 ? `${Math.round(left / 60)} min` : `${left} s` };
      if (!started) {
        bar.start(total, done + failed, payload);
        started = true;
      }
      bar.setTotal(total);
      bar.update(done + failed, payload);
    },
    stop() {
      if (started) bar.stop();
      started = false;
    },
  };
}
