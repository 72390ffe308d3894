/** A counter on stderr while a terminal watches; silent when piped or redirected. */
import cliProgress from 'cli-progress';

export interface Progress {
  increment(n?: number): void;
  stop(): void;
}

const SILENT: Progress = { increment: () => {}, stop: () => {} };

/** Totals are unknown while streaming, so this shows a running count and rate, not a bar. */
export function startProgress(label: string): Progress {
  if (!process.stderr.isTTY) return SILENT;
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} {value} rows | {rate}/s | {duration_formatted}`,
      stream: process.stderr,
      // Redrawing 10 times a second is smooth and costs nothing next to the matching.
      fps: 10,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(0, 0, { rate: 0 });
  let value = 0;
  return {
    increment(n = 1) {
      value += n;
      const seconds = (Date.now() - started) / 1000;
      bar.setTotal(value);
      bar.update(value, { rate: seconds > 0 ? Math.round(value / seconds) : 0 });
    },
    stop() {
      bar.stop();
    },
  };
}
