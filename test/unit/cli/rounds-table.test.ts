import { describe, expect, it } from 'vitest';
import { bar, inFlight, recordsDone, renderRounds, type RoundRow } from '../../../src/cli/rounds-table.js';

const rows: RoundRow[] = [
  { _id: 'verification-09619-1', localityCode: '09619', status: 'verifying', totalRecords: 8000, chunks: 2, progress: { chunks: 2, chunksDone: 1, chunksFailed: 0, recordsDone: 5000 }, deadline: '2022-04-20T10:00:00.000Z' },
  { _id: 'verification-09622-1', localityCode: '09622', status: 'awaiting_corrections', totalRecords: 4000, processedRecords: 4000, chunks: 1, progress: { chunks: 1, chunksDone: 1, chunksFailed: 0, recordsDone: 4000 } },
  { _id: 'verification-09625-1', localityCode: '09625', status: 'scheduled', totalRecords: 0, chunks: 0, progress: { chunks: 0, chunksDone: 0, chunksFailed: 0, recordsDone: 0 } },
  { _id: 'verification-09628-1', localityCode: '09628', status: 'failed', totalRecords: 6000, processedRecords: 5000, chunks: 2, progress: { chunks: 2, chunksDone: 1, chunksFailed: 1, recordsDone: 5000 } },
];

describe('rounds table', () => {
  it('draws a bar from done over total, clamped', () => {
    expect(bar(0, 10, 10)).toBe('░░░░░░░░░░   0%');
    expect(bar(5, 10, 10)).toBe('█████░░░░░  50%');
    expect(bar(12, 10, 10)).toBe('██████████ 100%');
    expect(bar(3, 0, 4)).toBe('░░░░   0%');
  });

  it('counts finished chunks while a round runs, settle\'s count once it settled', () => {
    expect(recordsDone(rows[0]!)).toBe(5000);
    expect(recordsDone({ ...rows[1]!, processedRecords: 3999 })).toBe(3999);
    expect(rows.filter(inFlight).map((r) => r.localityCode)).toEqual(['09619', '09625']);
  });

  it('renders one aligned line per round and a summary', () => {
    const text = renderRounds(rows, { title: 'rounds in 271' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('rounds in 271');
    expect(lines[1]).toMatch(/^ROUND\s+STATUS\s+PROGRESS\s+RECORDS\s+CHUNKS\s+DEADLINE$/);
    expect(lines[2]).toMatch(/^verification-09619-1\s+verifying\s+█{13}░{7}\s+62%\s+5000\/8000\s+1\/2\s+2022-04-20 10:00$/);
    expect(lines[3]).toMatch(/awaiting_corrections\s+█{20} 100%\s+4000\/4000\s+1\/1/);
    expect(lines[4]).toMatch(/scheduled\s+░{20} planning\s+0\/0\s+0\/0/);
    expect(lines[5]).toMatch(/failed\s+█{17}░{3}\s+83%\s+5000\/6000\s+1\/2 \(1 failed\)/);
    // A settled commune without records is done.
    expect(renderRounds([{ _id: 'verification-09652-1', localityCode: '09652', status: 'completed', totalRecords: 0, chunks: 0 }])).toMatch(/completed\s+█{20} 100%\s+0\/0/);
    // Columns line up: every status starts at the same offset.
    const at = lines.slice(2, 6).map((l) => l.search(/verifying|awaiting|scheduled|failed/));
    expect(new Set(at).size).toBe(1);
    expect(lines.at(-1)).toBe(`4 round(s): 1 verifying, 1 awaiting_corrections, 1 scheduled, 1 failed · records 14000/18000 ${bar(14000, 18000, 30)}`);
  });
});
