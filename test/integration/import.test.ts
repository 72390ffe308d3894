import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoRegistry } from '../../src/db/repositories/registry-lookup.repository.js';
import { connectDb } from '../../src/db/connect.js';
import { runImport } from '../../src/imports/run-import.js';
import { seedDocuments } from '../helpers/fixtures.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { recordCommands } from '../helpers/explain-plan.js';

let ctx: TestContext;
let dir: string;
beforeAll(async () => {
  ctx = await createTestContext('import');
  dir = await mkdtemp(join(tmpdir(), 'vv-import-'));
});
afterAll(async () => {
  await ctx?.close();
  await rm(dir, { recursive: true, force: true });
});

const DOSE_HEADER = 'recordId,fullName,dateOfBirth,gender,idNumber,nationality,communeCode,vaccine,doseNumber,vaccinatedAt,facilityId';
const dose = (id: string, name = 'Nguyễn Văn An', dob = '1990-05-12') =>
  `${id},${name},${dob},Nam,001090123456,VN,00001,AstraZeneca,1,2021-08-01,F00001-1`;

async function importFile(name: string, content: string | Buffer, kind: 'doses' | 'citizens' = 'doses') {
  const path = join(dir, name);
  await writeFile(path, content);
  const rejectsPath = join(dir, `${name}.rejects.csv`);
  const summary = await runImport({ kind, source: path, store: ctx.db.store, rejectsPath, batchSize: 3 });
  const rejects = summary.rejectsPath ? (await readFile(rejectsPath, 'utf8')).trim().split('\r\n').slice(1) : [];
  return { summary, rejects };
}

describe('import doses (real Mongo-wire server)', () => {
  it('imports valid rows and reports each bad row with line, field and reason', async () => {
    const csv = [
      DOSE_HEADER,
      dose('A1'),
      '', // empty line: skipped
      dose('A2', '"Trần Thị\nBình"'), // quoted field with an embedded newline (lines 4–5)
      'A3,Lê Văn C,1980,Nam,001080123456,VN,00001', // missing columns
      dose('A1', 'Other Name'), // duplicate record ID: first wins
      dose('A4', '"Phạm Văn D'), // broken quoting (never closed on this line)
      dose('A5'),
      `A6,${'x'.repeat(70_000)},1990,Nam,1,VN,00001,,,,`, // oversized line
      dose('A7').replace('00001,AstraZeneca', '1,AstraZeneca'), // bad commune code
      dose('A8', 'Đỗ Thị Hoà', '01/01/1950'),
    ].join('\r\n');
    const { summary, rejects } = await importFile('doses.csv', csv);
    expect(summary).toMatchObject({ inserted: 4, rejected: 5 });
    const ids = (await ctx.db.models.DoseRecord.find({}, { recordId: 1 }).sort({ recordId: 1 }).lean()).map((d) => d.recordId);
    expect(ids).toEqual(['A1', 'A2', 'A5', 'A8']);
    expect((await ctx.db.models.DoseRecord.findOne({ recordId: 'A1' }).lean())!.fullName).toBe('Nguyễn Văn An');
    expect((await ctx.db.models.DoseRecord.findOne({ recordId: 'A2' }).lean())!.fullName).toBe('Trần Thị\nBình');
    expect(rejects).toEqual([
      '6,,"expected 11 columns, found 7"',
      '7,recordId,duplicate recordId in this file (the first row with it was kept)',
      expect.stringMatching(/^8,,broken quoting/),
      '10,,line longer than 65536 characters',
      '11,communeCode,must be a 5-digit commune code',
    ]);
  });

  it('re-running an import changes nothing; a changed row is updated', async () => {
    const csv = [DOSE_HEADER, dose('B1'), dose('B2'), dose('B3')].join('\n');
    const first = await importFile('b.csv', csv);
    expect(first.summary).toMatchObject({ inserted: 3, updated: 0, unchanged: 0 });
    const before = await ctx.db.models.DoseRecord.find({ recordId: /^B/ }).sort({ recordId: 1 }).lean();
    const again = await importFile('b.csv', csv);
    expect(again.summary).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, rejected: 0 });
    const after = await ctx.db.models.DoseRecord.find({ recordId: /^B/ }).sort({ recordId: 1 }).lean();
    expect(after).toEqual(before);
    const changed = await importFile('b.csv', [DOSE_HEADER, dose('B1'), dose('B2', 'Nguyễn Văn Ân'), dose('B3')].join('\n'));
    expect(changed.summary).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    expect((await ctx.db.models.DoseRecord.findOne({ recordId: 'B2' }).lean())!.fullName).toBe('Nguyễn Văn Ân');
  });

  it('several writes in flight: a write that fails stops the import with its error, and a re-run completes it', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => dose(`W${String(i).padStart(2, '0')}`));
    const path = join(dir, 'w.csv');
    await writeFile(path, [DOSE_HEADER, ...rows].join('\n'));
    // A connection of its own, closed under the import after its first stored batch: the
    // writes still in flight or started later fail with the driver's own error.
    const db = await connectDb(ctx.mongoUrl, { poolSize: 2, autoIndex: false });
    let closing: Promise<void> | undefined;
    const failed = runImport({
      kind: 'doses', source: path, store: db.store, rejectsPath: join(dir, 'w.rejects.csv'), batchSize: 4, writers: 3,
      onProgress: () => { closing ??= db.close(); },
    });
    await expect(failed).rejects.toThrow(/closed|interrupted|not connected/i);
    await closing;
    const stored = await ctx.db.models.DoseRecord.countDocuments({ recordId: /^W/ });
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(rows.length);
    const again = await importFile('w.csv', [DOSE_HEADER, ...rows].join('\n'));
    expect(again.summary).toMatchObject({ inserted: rows.length - stored, unchanged: stored, rejected: 0 });
    expect(await ctx.db.models.DoseRecord.countDocuments({ recordId: /^W/ })).toBe(rows.length);
  });

  it('reads UTF-16LE exports and reports Windows-1258/latin1 rows without losing the others', async () => {
    const text = [DOSE_HEADER, dose('C1', 'Hồ Thị Ước'), dose('C2')].join('\r\n');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const a = await importFile('c16.csv', utf16);
    expect(a.summary).toMatchObject({ inserted: 2, rejected: 0 });
    expect((await ctx.db.models.DoseRecord.findOne({ recordId: 'C1' }).lean())!.fullName).toBe('Hồ Thị Ước');

    const latin1 = Buffer.concat([
      Buffer.from(`${DOSE_HEADER}\n${dose('C3')}\n`, 'utf8'),
      Buffer.from(`${dose('C4', 'Tr\xe2n Van B')}\n`, 'latin1'),
      Buffer.from(`${dose('C5')}\n`, 'utf8'),
    ]);
    const b = await importFile('c1258.csv', latin1);
    expect(b.summary).toMatchObject({ inserted: 2, rejected: 1 });
    expect(b.rejects[0]).toMatch(/^3,fullName,.*not UTF-8/);
  });

  it('refuses a file whose header lacks a required column, naming it', async () => {
    await expect(importFile('nohdr.csv', 'fullName,dateOfBirth\nA,1990\n')).rejects.toThrow(/recordId, communeCode/);
  });

  it('imports NDJSON and reports invalid JSON lines', async () => {
    const lines = [
      JSON.stringify({ recordId: 'D1', fullName: 'Vũ Văn E', dateOfBirth: '1970', gender: 'Nam', idNumber: '', nationality: 'VN', communeCode: '00004' }),
      '{"recordId": "D2",',
      JSON.stringify({ recordId: 'D3', communeCode: '00004', doseNumber: 2 }),
    ].join('\n');
    const { summary, rejects } = await importFile('d.ndjson', lines);
    expect(summary).toMatchObject({ inserted: 2, rejected: 1 });
    expect(rejects[0]).toMatch(/^2,,invalid JSON/);
  });
});

describe('a batch inserted first (its keys guessed new) still reads and holds the rows that exist', () => {
  it('after a batch of new rows the next is inserted first; the rows the store refuses are compared and held like read ones', async () => {
    const seeded = (id: string, extra: Record<string, unknown>) => ({ _id: id, recordId: id, fullName: 'Ngô Văn Cũ', dateOfBirth: '1990-05-12', gender: 'Nam', idNumber: '001090123456', nationality: 'VN', communeCode: '00001', vaccine: 'AstraZeneca', doseNumber: 1, vaccinatedAt: '2021-08-01', facilityId: 'F00001-1', version: 0, importVersion: 0, ...extra });
    await seedDocuments(ctx.db.store, 'DoseRecord', [
      seeded('G-OPEN', { openCorrection: 'c-awaiting' }), seeded('G-AWAY', { communeCode: '00004' }), seeded('G-PLAIN', {}),
    ], { asStored: true });
    const rows = [dose('G-NEW1'), dose('G-NEW2'), dose('G-NEW3'), dose('G-OPEN', 'Kẻ Ghi Đè'), dose('G-AWAY', 'Kẻ Ghi Đè'), dose('G-PLAIN', 'Ngô Văn Mới')];
    const path = join(dir, 'guess.csv');
    await writeFile(path, [DOSE_HEADER, ...rows].join('\r\n'));
    // A monitored connection of its own: which order each batch used is in the commands it sent.
    const watched = await connectDb(ctx.mongoUrl, { autoIndex: false, statsFile: join(dir, 'guess-stats.json') });
    const recording = recordCommands(watched.connection.getClient());
    let summary;
    try {
      summary = await runImport({ kind: 'doses', source: path, store: watched.store, rejectsPath: join(dir, 'guess.rejects.csv'), batchSize: 3, writers: 1 });
    } finally {
      recording.stop();
      await watched.close();
    }
    // Batch 1 read first (nothing found) then inserted; batch 2 inserted first, its refused rows read, one update.
    expect(recording.sent.filter((c) => c.command.find === 'doseRecords' || c.command.insert === 'doseRecords' || c.command.update === 'doseRecords').map((c) => c.name))
      .toEqual(['find', 'insert', 'insert', 'find', 'update']);
    expect(summary).toMatchObject({ inserted: 3, updated: 1, held: 2 });
    const held = await ctx.db.models.DoseRecord.find({ _id: { $in: ['G-OPEN', 'G-AWAY', 'G-PLAIN'] } }, { fullName: 1, communeCode: 1, version: 1 }).sort({ _id: 1 }).lean();
    expect(held.map((d) => [d._id, d.fullName, d.communeCode, d.version])).toEqual([
      ['G-AWAY', 'Ngô Văn Cũ', '00004', 0], ['G-OPEN', 'Ngô Văn Cũ', '00001', 0], ['G-PLAIN', 'Ngô Văn Mới', '00001', 1],
    ]);
  });
});

describe('import citizens', () => {
  it('computes the blocking keys and rejects invalid registry rows', async () => {
    const csv = [
      'personalId,fullName,dateOfBirth,gender,communeCode,oldIdNumber',
      '001090123456,Nguyễn Văn An,1990-05-12,male,00001,',
      '001190123457,Đặng Thị Thuý,1950,Nữ,00001,123456789',
      '12345,Lê Văn C,1980,male,00001,',
      '001080123458,Lê Văn D,1980-02-30,male,00001,',
    ].join('\n');
    const { summary, rejects } = await importFile('citizens.csv', csv, 'citizens');
    expect(summary).toMatchObject({ inserted: 2, rejected: 2 });
    expect(rejects).toEqual(['4,personalId,must be a 12-digit citizen ID number', '5,dateOfBirth,"must be YYYY, YYYY-MM or YYYY-MM-DD"']);
    const c = await ctx.db.models.Citizen.findOne({ personalId: '001190123457' }).lean();
    expect(c).toMatchObject({ nameKey: 'dang thi thuy', birthYear: 1950, gender: 'female', oldIdNumber: '123456789' });
    expect(c?.maskedKeys).toEqual(['dang thuy|1950', 'dang thi *|1950', '* thi thuy|1950']);
    // The matcher's second block finds her with the given name misspelt.
    const found = await new MongoRegistry(ctx.db.store).findCandidates({
      personalIds: [], oldIdNumbers: [], nameYears: [], maskedKeys: ['dang thi *|1950', 'nobody *|1950'],
    });
    expect(found.map((f) => f.personalId)).toEqual(['001190123457']);
  });
});
