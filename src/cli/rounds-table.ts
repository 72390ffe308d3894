/** The coordinator's live table of rounds (`vaxverify rounds status`): pure text, no I/O. */
export interface RoundRow {
  _id: string;
  localityCode: string;
  status: string;
  deadline?: string;
  totalRecords?: number;
  processedRecords?: number;
  chunks?: number;
  progress?: { chunks: number; chunksDone: number; chunksFailed: number; recordsDone: number };
}

/** Still moving: planned or verifying (a settled round no longer changes on its own). */
export const inFlight = (r: RoundRow) => r.status === 'scheduled' || r.status === 'verifying';

/** Records verified so far: settle's count once settled, else the finished chunks' sum. */
export function recordsDone(r: RoundRow): number {
  return inFlight(r) ? r.progress?.recordsDone ?? 0 : r.processedRecords ?? r.progress?.recordsDone ?? 0;
}

export function bar(done: number, total: number, width = 20): string {
  const f = total > 0 ? Math.min(1, done / total) : 0;
  const full = Math.round(f * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)} ${String(Math.floor(f * 100)).padStart(3)}%`;
}

export function renderRounds(rows: RoundRow[], opts: { now?: Date; title?: string } = {}): string {
  const header = ['ROUND', 'STATUS', 'PROGRESS', 'RECORDS', 'CHUNKS', 'DEADLINE'];
  const lines = rows.map((r) => {
    const total = r.totalRecords ?? 0;
    const chunks = r.progress?.chunks || r.chunks || 0;
    const chunksDone = r.progress?.chunksDone ?? (inFlight(r) ? 0 : chunks);
    const failed = r.progress?.chunksFailed ? ` (${r.progress.chunksFailed} failed)` : '';
    // A settled round with no records (a commune without entries) is done, not at 0 %.
    const progress = r.status === 'scheduled' && total === 0 ? bar(0, 1).replace(/\s+0%$/, ' planning')
      : total === 0 && !inFlight(r) ? bar(1, 1) : bar(recordsDone(r), total);
    return [r._id, r.status, progress,
      `${recordsDone(r)}/${total}`, `${chunksDone}/${chunks}${failed}`, r.deadline ? r.deadline.slice(0, 16).replace('T', ' ') : ''];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => [...l[i]!].length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - [...c].length)).join('  ').trimEnd();
  const byStatus = new Map<string, number>();
  for (const r of rows) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  const done = rows.reduce((s, r) => s + recordsDone(r), 0);
  const total = rows.reduce((s, r) => s + (r.totalRecords ?? 0), 0);
  const summary = `${rows.length} round(s): ${[...byStatus].map(([s, n]) => `${n} ${s}`).join(', ') || 'none'} · records ${done}/${total} ${bar(done, total, 30)}`;
  return [opts.title ?? '', fmt(header), ...lines.map(fmt), '', summary].filter((l, i) => i > 0 || l).join('\n');
}
