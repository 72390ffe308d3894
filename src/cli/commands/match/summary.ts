/** Counts of a match run and the table printed at its end (no personal data). */
import { OUTCOMES, type Outcome } from '../../../domain/records.js';

export interface MatchSummary {
  population: number;
  populationMalformed: number;
  records: number;
  recordsMalformed: number;
  outcomes: Record<Outcome, number>;
  seconds: number;
}

export function emptySummary(): MatchSummary {
  const outcomes = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  return { population: 0, populationMalformed: 0, records: 0, recordsMalformed: 0, outcomes, seconds: 0 };
}

function pct(n: number, total: number): string {
  return total === 0 ? '-' : `${((100 * n) / total).toFixed(1)}%`;
}

export function formatSummary(s: MatchSummary): string {
  const total = s.records + s.recordsMalformed;
  const rows: [string, number, string][] = OUTCOMES.map((o) => [o, s.outcomes[o], pct(s.outcomes[o], total)]);
  rows.push(['malformed', s.recordsMalformed, pct(s.recordsMalformed, total)]);
  rows.push(['total', total, total === 0 ? '-' : '100.0%']);
  const lines = rows.map(([label, n, share]) => `${label.padEnd(10)} ${String(n).padStart(10)} ${share.padStart(7)}`);
  const rate = s.seconds > 0 ? Math.round(s.records / s.seconds) : 0;
  return [
    `population: ${s.population} citizens loaded, ${s.populationMalformed} malformed lines skipped`,
    `${'outcome'.padEnd(10)} ${'records'.padStart(10)} ${'share'.padStart(7)}`,
    ...lines,
    `${s.records} records matched, ${s.seconds.toFixed(1)} s in all (${rate} records/s including loading)`,
  ].join('\n');
}
