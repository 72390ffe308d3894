import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRecordWriter, readRecords } from '../../../src/lib/io/index.js';

const dir = await mkdtemp(join(tmpdir(), 'vv-io-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

const rows = [
  { id: '1', name: 'Nguyễn Văn An', note: 'a, "b"\nc' },
  { id: '2', name: ' Trần Bình', note: '' },
];

describe('createRecordWriter', () => {
  it.each(['csv', 'ndjson'] as const)('round-trips %s through readRecords', async (format) => {
    const path = join(dir, `out.${format}`);
    const w = createRecordWriter(path, format, { bom: true });
    for (const r of rows) await w.write(r);
    await w.close();
    expect(w.written).toBe(2);
    const back = [];
    for await (const r of readRecords(path)) back.push(r.record);
    expect(back).toEqual(rows);
  });

  it('writes a CSV header even with no rows when columns are given', async () => {
    const path = join(dir, 'empty.csv');
    const w = createRecordWriter(path, 'csv', { columns: ['line', 'field', 'reason'] });
    await w.close();
    expect(await readFile(path, 'utf8')).toBe('line,field,reason\r\n');
  });

  it('streams 200k rows through back-pressure', async () => {
    const path = join(dir, 'big.ndjson');
    const w = createRecordWriter(path, 'ndjson');
    for (let i = 0; i < 200_000; i++) await w.write({ i, name: 'Phạm Thị Hương' });
    await w.close();
    let n = 0;
    for await (const r of readRecords(path)) if (r.record) n++;
    expect(n).toBe(200_000);
  });
});
