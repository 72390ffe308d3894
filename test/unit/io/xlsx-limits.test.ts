import { describe, expect, it } from 'vitest';
import { readWorksheet } from '../../../src/corrections/worksheet-files.js';
import { headerRow, xlsx } from '../../helpers/zip.js';

/** Issue 16, finding 3: hostile XLSX uploads are refused with a 400 before a reader caches them. */
const drain = async (buf: Buffer, limits = {}) => {
  const rows = [];
  for await (const r of readWorksheet(buf, limits)) rows.push(r);
  return rows;
};

describe('XLSX limits (issue 16, finding 3)', () => {
  it('reads a small well-formed sheet with shared strings', async () => {
    const sheet = headerRow(['recordId', 'decision']) + '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c></row>';
    const rows = await drain(xlsx(sheet, ['R1-000001', 'explain']));
    expect(rows).toEqual([{ row: 2, columns: ['recordId', 'decision'], cells: { recordId: 'R1-000001', decision: 'explain' } }]);
  });

  it('500,000 empty rows in a small file count against the row cap', async () => {
    const empty = Array.from({ length: 500_000 }, (_, i) => `<row r="${i + 2}"/>`).join('');
    const file = xlsx(headerRow(['recordId']) + empty);
    expect(file.length).toBeLessThan(2_000_000);
    await expect(drain(file, { maxRows: 20_000 })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/more than 20000 rows/) });
  });

  it('empty rows count in the reader too (below the pre-check, above the cap)', async () => {
    const empty = Array.from({ length: 30 }, (_, i) => `<row r="${i + 2}"/>`).join('');
    await expect(drain(xlsx(headerRow(['recordId']) + empty), { maxRows: 10 })).rejects.toMatchObject({ status: 400 });
  });

  it('a decompression bomb (highly compressible shared strings) is refused on the inflated bytes', async () => {
    const big = 'A'.repeat(1024 * 1024);
    const file = xlsx(headerRow(['recordId']), Array.from({ length: 40 }, () => big));
    expect(file.length).toBeLessThan(200_000);
    await expect(drain(file)).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/shared strings exceed|inflates to more/) });
    await expect(drain(file, { maxInflatedBytes: 8 * 1024 * 1024, maxSharedStringBytes: 64 * 1024 * 1024 })).rejects.toMatchObject({ message: expect.stringMatching(/inflates to more than 8388608 bytes/) });
  });

  it('too many shared strings are refused', async () => {
    const file = xlsx(headerRow(['recordId']), Array.from({ length: 5000 }, (_, i) => `s${i}`));
    await expect(drain(file, { maxRows: 100, maxSharedStrings: 1000 })).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/more than 1000 shared strings/) });
  });

  it('a worksheet in another encoding than UTF-8, or a broken archive, is a 400', async () => {
    const latin1 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>', 'latin1');
    const sheet = headerRow(['recordId']) + '<row r="2"><c r="A2" t="inlineStr"><is><t>Nguy\xe9n</t></is></c></row>';
    const file = xlsx(sheet, [], { sheetXmlHead: latin1.toString('latin1') });
    const out = await drain(file).then(() => 'read', (err) => err);
    if (out !== 'read') expect(out).toMatchObject({ status: 400 });
    const broken = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(200, 7)]);
    await expect(drain(broken)).rejects.toMatchObject({ status: 400 });
  });

  it('a CSV that is not UTF-8 is a 400 or per-row errors, never a crash', async () => {
    const csv = Buffer.concat([Buffer.from('recordId,fullName\nR1,'), Buffer.from([0xe9, 0xff, 0xfe, 0x00, 0xc3]), Buffer.from('\n')]);
    const out = await drain(csv).then((rows) => rows, (err) => err);
    if (!Array.isArray(out)) expect(out).toMatchObject({ status: 400 });
  });
});
