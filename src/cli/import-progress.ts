import { SingleBar, Presets } from 'cli-progress';
import type { ImportProgress } from '../imports/run-import.js';

export interface ProgressReporter {
  update: (p: ImportProgress) => void;
  stop: () => void;
}

/** A progress bar by bytes read when `out` is a terminal; nothing otherwise (logs, pipes, CI). */
export function createImportProgress(out: NodeJS.WriteStream): ProgressReporter {
  if (!out.isTTY) return { update: () => {}, stop: () => {} };
  const bar = new SingleBar(
    {
      stream: out,
      format: ' {bar} {percentage}% | {rows} rows | {inserted} new, {updated} updated, {unchanged} same, {rejected} rejected | {eta_formatted}',
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(p) {
      const payload = { rows: p.rows, inserted: p.inserted, updated: p.updated, unchanged: p.unchanged, rejected: p.rejected };
      if (!started) {
        bar.start(p.totalBytes ?? 0, p.bytes, payload);
        started = true;
      } else {
        bar.update(p.bytes, payload);
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
