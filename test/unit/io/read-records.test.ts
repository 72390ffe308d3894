import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readRecords, RecordFormatError, type ReadResult } from '../../../src/lib/io/index.js';

async function collect(input: string | Buffer | Buffer[], opts: Parameters<typeof readRecords>[1] = {}): Promise<ReadResult[]> {
  const chunks = Array.isArray(input) ? input : [typeof input === 'string' ? Buffer.from(input, 'utf8') : input];
  const out: ReadResult[] = [];
  for await (const r of readRecords(Readable.from(chunks), { format: 'csv', ...opts })) out.push(r);
  return out;
}

const ok = (rs: ReadResult[]) => rs.filter((r) => r.record).map((r) => [r.line, r.record]);
const errs = (rs: ReadResult[]) => rs.filter((r) => r.error).map((r) => [r.line, r.error!.reason]);

describe('readRecords: CSV', () => {
  it('reads UTF-8 with BOM, CRLF, Vietnamese text and quoted fields with commas and newlines', async () => {
    const csv = '\uFEFFid,name,note\r\n1,Nguyễn Văn An,"a, b"\r\n2,"Trần Thị\r\nBình","say ""hi"""\r\n3,Lê Hoà,\r\n';
    const rs = await collect(csv);
    expect(errs(rs)).toEqual([]);
    expect(ok(rs)).toEqual([
      [2, { id: '1', name: 'Nguyễn Văn An', note: 'a, b' }],
      [3, { id: '2', name: 'Trần Thị\nBình', note: 'say "hi"' }],
      [5, { id: '3', name: 'Lê Hoà', note: '' }],
    ]);
  });

  it('skips empty lines and rows of empty cells, keeping physical line numbers', async () => {
    const rs = await collect('id,name\n\n1,A\n   \n,\n2,B');
    expect(ok(rs)).toEqual([
      [3, { id: '1', name: 'A' }],
      [6, { id: '2', name: 'B' }],
    ]);
  });

  it('decodes UTF-16LE and UTF-16BE with BOM, split across chunks at odd byte offsets', async () => {
    const text = 'id,name\r\n1,Đặng Thị Huệ\r\n2,Hồ Văn Ước\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const buf of [le, be]) {
      const parts = [buf.subarray(0, 3), buf.subarray(3, 17), buf.subarray(17)];
      const rs = await collect(parts);
      expect(ok(rs)).toEqual([
        [2, { id: '1', name: 'Đặng Thị Huệ' }],
        [3, { id: '2', name: 'Hồ Văn Ước' }],
      ]);
    }
  });

  it('reports Windows-1258/latin1 bytes per row and keeps the valid rows', async () => {
    const buf = Buffer.concat([
      Buffer.from('id,name\n1,Nguyen An\n2,', 'utf8'),
      Buffer.from('Tr\xe2n', 'latin1'),
      Buffer.from('\n3,Lê Bình\n', 'utf8'),
    ]);
    const rs = await collect(buf);
    expect(ok(rs).map(([l]) => l)).toEqual([2, 4]);
    expect(rs[1]).toMatchObject({ line: 3, error: { field: 'name' } });
    expect(rs[1]!.error!.reason).toMatch(/not UTF-8/);
  });

  it('reports wrong column counts with the line number and continues', async () => {
    const rs = await collect('id,name,dob\n1,A,1990\n2,B\n3,C,1991,extra\n4,D,1992\n');
    expect(errs(rs)).toEqual([
      [3, 'expected 3 columns, found 2'],
      [4, 'expected 3 columns, found 4'],
    ]);
    expect(ok(rs).map(([l]) => l)).toEqual([2, 5]);
  });

  it('reports broken quoting and resynchronises on the next line without losing valid rows', async () => {
    const csv = [
      'id,name,dob',
      '1,"Nguyễn An,1990', // unclosed quote
      '2,Trần Bình,1991',
      '3,"Lê "Tí" Cường",1992', // text after a closing quote
      '4,Ph"m Dung,1993', // stray quote in an unquoted field
      '5,"Võ Em",1994',
      '6,"Đỗ Giang',
    ].join('\n');
    const rs = await collect(csv);
    expect(ok(rs)).toEqual([
      [3, { id: '2', name: 'Trần Bình', dob: '1991' }],
      [6, { id: '5', name: 'Võ Em', dob: '1994' }],
    ]);
    expect(errs(rs).map(([l]) => l)).toEqual([2, 4, 5, 7]);
    for (const [, reason] of errs(rs)) expect(reason).toMatch(/broken quoting/);
  });

  it('reports oversized lines and reads on', async () => {
    const long = 'x'.repeat(5000);
    const rs = await collect(`id,name\n1,A\n2,${long}\n3,C\n`, { maxLineBytes: 1000 });
    expect(errs(rs)).toEqual([[3, 'line longer than 1000 characters']]);
    expect(ok(rs).map(([l]) => l)).toEqual([2, 4]);
  });

  it('bounds a runaway quoted field by the line limit', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i + 2},name${i}`);
    const rs = await collect(`id,name\n1,"unclosed\n${rows.join('\n')}\n`, { maxLineBytes: 100 });
    expect(errs(rs)).toHaveLength(1);
    expect(ok(rs)).toHaveLength(50);
  });

  it('uses ; or tab when the header has no commas', async () => {
    expect(ok(await collect('id;name\n1;A\n'))).toEqual([[2, { id: '1', name: 'A' }]]);
    expect(ok(await collect('id\tname\n1\tA\n'))).toEqual([[2, { id: '1', name: 'A' }]]);
  });

  it('reports the header columns and rejects unusable headers', async () => {
    let cols: string[] = [];
    await collect(' id , name \n1,A\n', { onHeader: (c) => (cols = c) });
    expect(cols).toEqual(['id', 'name']);
    await expect(collect('id,id\n1,2\n')).rejects.toBeInstanceOf(RecordFormatError);
    await expect(collect('\n\n')).rejects.toThrow(/empty/);
  });
});

describe('readRecords: NDJSON', () => {
  it('reads objects, skips empty lines, reports invalid JSON and non-objects', async () => {
    const text = '{"id":"1","name":"Nguyễn An"}\r\n\n{"id":2\n[1,2]\n{"id":"3"}';
    const rs = await collect(text, { format: 'ndjson' });
    expect(ok(rs)).toEqual([
      [1, { id: '1', name: 'Nguyễn An' }],
      [5, { id: '3' }],
    ]);
    expect(errs(rs).map(([l]) => l)).toEqual([3, 4]);
    expect(errs(rs)[0]![1]).toMatch(/invalid JSON/);
  });

  it('reports oversized lines', async () => {
    const rs = await collect(`{"a":"${'y'.repeat(300)}"}\n{"a":1}\n`, { format: 'ndjson', maxLineBytes: 100 });
    expect(errs(rs)).toEqual([[1, 'line longer than 100 characters']]);
    expect(ok(rs)).toEqual([[2, { a: 1 }]]);
  });
});
