import { headerKey } from '../../src/domain/corrections/worksheet.js';
import { displayDate } from '../../src/domain/i18n/index.js';
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { waitFor } from '../helpers/context.js';
import { noDiacritics, startStack, type Stack } from './corrections-setup.js';

/**
 * The full cycle on generated data: a verification round → worksheet export (XLSX and CSV) →
 * filled sheet with bad rows uploaded (rejected with reasons, the rest applied) → correction
 * round → results and history; a re-upload changes nothing; two officers racing → one 409.
 */
const COMMUNE = '00001';
const ROUND = `verification-${COMMUNE}-1`;
let s: Stack;

const citizens = makeCitizens(COMMUNE, 60);
const doses = makeDoses(citizens, `R${COMMUNE}`);
const id = (i: number) => doses[i]!.recordId;
// Deliberately wrong entries, as vaccination sites typed them.
const WRONG_DIGIT = 1; const YEAR_ONLY = 2; const NO_DIACRITICS = 3; const RELATIVE = 4; const UNKNOWN_PERSON = 6; const FOR_STALE = 7; const FOR_BAD_ID = 8;
const flip = (idn: string, pos: number) => idn.slice(0, pos) + String((Number(idn[pos]) + 1) % 10) + idn.slice(pos + 1);
doses[WRONG_DIGIT]!.idNumber = flip(doses[WRONG_DIGIT]!.idNumber, 8);
doses[YEAR_ONLY]!.dateOfBirth = doses[YEAR_ONLY]!.dateOfBirth.slice(0, 4);
doses[NO_DIACRITICS]!.fullName = noDiacritics(doses[NO_DIACRITICS]!.fullName);
doses[RELATIVE]!.idNumber = citizens[10]!.personalId;
doses[UNKNOWN_PERSON]!.fullName = 'Đinh Công Tráng';
doses[UNKNOWN_PERSON]!.idNumber = '';
doses[FOR_STALE]!.dateOfBirth = doses[FOR_STALE]!.dateOfBirth.slice(0, 4);
doses[FOR_BAD_ID]!.dateOfBirth = doses[FOR_BAD_ID]!.dateOfBirth.slice(0, 4);

beforeAll(async () => {
  s = await startStack('corr');
  await s.verifyCommune(citizens, doses, ['awaiting_corrections']);
}, 180_000); // the stack (OIDC provider, API, workers) and a whole verification round, cold, on a shared 2-core machine

afterAll(async () => { await s?.close(); });

async function download(path: string) {
  const res = await s.as('health-00001').fetch(path);
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type'), buf: Buffer.from(await res.arrayBuffer()) };
}

async function upload(buf: Buffer, type: string) {
  return s.json(`/api/localities/${COMMUNE}/corrections/upload`, { method: 'POST', headers: { 'content-type': type }, body: buf });
}

describe('worklist', () => {
  it('lists the records needing action, filterable and keyset-paginated', async () => {
    const all = await s.json(`/api/localities/${COMMUNE}/worklist?limit=500`);
    expect(all.status).toBe(200);
    const ids = all.body.items.map((i: any) => i.recordId);
    for (const i of [WRONG_DIGIT, YEAR_ONLY, NO_DIACRITICS, RELATIVE, UNKNOWN_PERSON, FOR_STALE, FOR_BAD_ID]) expect(ids).toContain(id(i));
    expect(ids).toEqual([...ids].sort());
    const byId = new Map(all.body.items.map((i: any) => [i.recordId, i]));
    expect(byId.get(id(WRONG_DIGIT))).toMatchObject({ outcome: 'corrected', version: 0, suggested: { idNumber: citizens[WRONG_DIGIT]!.personalId } });
    expect(byId.get(id(YEAR_ONLY))).toMatchObject({ outcome: 'corrected', suggested: { dateOfBirth: citizens[YEAR_ONLY]!.dateOfBirth } });
    expect(byId.get(id(UNKNOWN_PERSON))).toMatchObject({ outcome: 'not_found' });

    const first = await s.json(`/api/localities/${COMMUNE}/worklist?limit=3`);
    const second = await s.json(`/api/localities/${COMMUNE}/worklist?limit=3&after=${first.body.next}`);
    expect([...first.body.items, ...second.body.items].map((i: any) => i.recordId)).toEqual(ids.slice(0, 6));
    const notFound = await s.json(`/api/localities/${COMMUNE}/worklist?outcome=not_found`);
    expect(notFound.body.items.every((i: any) => i.outcome === 'not_found')).toBe(true);
    expect((await s.json(`/api/localities/${COMMUNE}/worklist?outcome=verified`)).status).toBe(400);
    // A district code expands to its communes.
    expect((await s.json('/api/localities/001/worklist?limit=500')).body.items.length).toBe(ids.length);
  });
});

describe('worksheet round trip', () => {
  let sheet: Buffer;
  let firstReport: any;

  it('exports an XLSX worksheet, takes the filled copy with bad rows, applies the rest and re-verifies', async () => {
    const { type, buf } = await download(`/api/localities/${COMMUNE}/worklist.xlsx`);
    expect(type).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buf as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    // Vietnamese headers: the column keys through the catalogue.
    const header = (ws.getRow(1).values as unknown[]).map((v) => headerKey(String(v ?? '')));
    const col = (k: string) => header.indexOf(k);
    const rowOf = new Map<string, number>();
    for (let r = 2; r <= ws.rowCount; r++) rowOf.set(String(ws.getRow(r).getCell(col('recordId')).value), r);
    const fill = (recordId: string, cells: Record<string, string | number>) => {
      const row = ws.getRow(rowOf.get(recordId)!);
      for (const [k, v] of Object.entries(cells)) row.getCell(col(k)).value = v;
      row.commit();
    };
    fill(id(WRONG_DIGIT), { decision: 'confirm' });
    fill(id(YEAR_ONLY), { decision: 'confirm' });
    fill(id(NO_DIACRITICS), { decision: 'xác nhận' });
    fill(id(RELATIVE), { corrected_idNumber: citizens[RELATIVE]!.personalId, decision: 'confirm' });
    // A sheet from before the record changed (no check code: the read-only guard has nothing to compare).
    fill(id(FOR_STALE), { decision: 'confirm', baseVersion: 5, check: '' });
    fill(id(FOR_BAD_ID), { decision: 'confirm', corrected_idNumber: '003085012345' });
    const extra = ws.addRow([]);
    extra.getCell(col('recordId')).value = 'R-DOES-NOT-EXIST';
    extra.getCell(col('baseVersion')).value = 0;
    extra.getCell(col('decision')).value = 'confirm';
    extra.getCell(col('corrected_fullName')).value = 'Lê Văn Tám';
    extra.commit();
    const unknownRow = extra.number;
    sheet = Buffer.from(await wb.xlsx.writeBuffer());

    const res = await upload(sheet, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.status).toBe(200);
    firstReport = res.body;
    expect(res.body.applied).toBe(4);
    const rejected = res.body.rejected.map((r: any) => ({ row: r.row, recordId: r.recordId, field: r.field, code: r.code }));
    expect(rejected).toEqual(expect.arrayContaining([
      { row: rowOf.get(id(FOR_STALE)), recordId: id(FOR_STALE), field: 'baseVersion', code: 'conflict' },
      { row: rowOf.get(id(FOR_BAD_ID)), recordId: id(FOR_BAD_ID), field: 'idNumber', code: 'validation_failed' },
      { row: unknownRow, recordId: 'R-DOES-NOT-EXIST', field: 'recordId', code: 'not_found' },
    ]));
    expect(rejected).toHaveLength(3);
    expect(res.body.rejected.find((r: any) => r.field === 'idNumber').reason).toMatch(/province code 003/);
    expect(res.body.correctionRounds).toEqual([`correction-${COMMUNE}-1`]);
  });

  it('runs the correction round over exactly the corrected records and settles the verification round', async () => {
    const cr = await s.waitRound(`correction-${COMMUNE}-1`, ['completed']);
    expect(cr.kind).toBe('correction');
    expect([...cr.recordIds].sort()).toEqual([WRONG_DIGIT, YEAR_ONLY, NO_DIACRITICS, RELATIVE].map(id).sort());
    expect(cr.totalRecords).toBe(4);
    expect(cr.counters.verified).toBe(4);
    const v = await s.waitRound(ROUND, ['awaiting_corrections', 'completed']);
    expect(v.transitions.map((t: any) => t.to)).toEqual(['scheduled', 'verifying', 'awaiting_corrections', 'correction_round', 'awaiting_corrections']);
    // The verification round's counters now count the re-verified records as verified.
    const before = (await s.ctx.db.models.VerificationResult.countDocuments({ roundId: ROUND, outcome: 'verified' }));
    expect(v.counters.verified).toBe(before + 4);
    const list = await s.json(`/api/localities/${COMMUNE}/worklist?limit=500`);
    const ids = list.body.items.map((i: any) => i.recordId);
    for (const i of [WRONG_DIGIT, YEAR_ONLY, NO_DIACRITICS, RELATIVE]) expect(ids).not.toContain(id(i));
    expect(ids).toContain(id(FOR_STALE));
  });

  it('keeps the full history of a record: result, correction (who, old, new), re-verification', async () => {
    const h = await s.json(`/api/records/${id(WRONG_DIGIT)}/history`);
    expect(h.status).toBe(200);
    expect(h.body.version).toBe(1);
    expect(h.body.events.map((e: any) => `${e.type}:${e.outcome ?? e.status}`)).toEqual(['result:corrected', 'correction:applied', 'result:verified']);
    const c = h.body.events[1];
    // Who corrected is the signed-in health station, not the name typed in the sheet's officerName column.
    expect(c).toMatchObject({
      decision: 'confirm', source: 'upload', baseVersion: 0, newVersion: 1, officer: { name: 'Trạm Y tế Phúc Xá', role: 'health_station', sub: 'health-00001' },
      changes: [{ field: 'idNumber', oldValue: doses[WRONG_DIGIT]!.idNumber, newValue: citizens[WRONG_DIGIT]!.personalId }],
      correctionRoundId: `correction-${COMMUNE}-1`,
    });
    expect(h.body.events[2].roundId).toBe(`correction-${COMMUNE}-1`);
    const rec = await s.ctx.db.models.DoseRecord.findOne({ recordId: id(WRONG_DIGIT) }).lean();
    expect(rec).toMatchObject({ idNumber: citizens[WRONG_DIGIT]!.personalId, version: 1 });
    expect((await s.json('/api/records/NOPE/history')).status).toBe(404);
  });

  it('a re-uploaded worksheet changes nothing and starts no round', async () => {
    const res = await upload(sheet, 'application/octet-stream');
    expect(res.body).toMatchObject({ applied: 0, duplicates: 4, correctionRounds: [] });
    expect(res.body.rejected.length).toBe(firstReport.rejected.length);
    expect(await s.ctx.db.models.Correction.countDocuments({})).toBe(4);
    expect(await s.ctx.db.models.Round.countDocuments({ kind: 'correction' })).toBe(1);
  });

  it('exports CSV and takes a filled CSV back (an explanation, a rejected suggestion)', async () => {
    const { type, buf } = await download(`/api/localities/${COMMUNE}/worklist.csv`);
    expect(type).toContain('text/csv');
    const [instructions, ...rows] = parseCsv(buf, { columns: (h: string[]) => h.map(headerKey), bom: true }) as Record<string, string>[];
    expect(instructions!.recordId).toMatch(/^HƯỚNG DẪN/);
    const stale = rows.find((r) => r.recordId === id(FOR_STALE))!;
    expect(stale.suggested_dateOfBirth).toBe(displayDate(citizens[FOR_STALE]!.dateOfBirth));
    const unknown = rows.find((r) => r.recordId === id(UNKNOWN_PERSON))!;
    unknown.decision = 'explain';
    unknown.explanation = 'Người nước ngoài tạm trú, không có trong CSDL dân cư';
    unknown.officerName = 'Trần Văn Bình';
    unknown.officerRole = 'village_team';
    stale.decision = 'reject';
    stale.officerName = 'Trần Văn Bình';
    const cols = Object.keys(rows[0]!);
    // Uploaded as downloaded: the instructions row stays (its ID cell fits the 80-character bound).
    const csv = [cols.join(','), ...[instructions!, ...rows].map((r) => cols.map((c) => `"${(r[c] ?? '').replaceAll('"', '""')}"`).join(','))].join('\r\n');
    const res = await upload(Buffer.from(csv), 'text/csv');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applied: 0, explained: 1, rejectedDecisions: 1, rejected: [], correctionRounds: [] });
    // The round's one writer (a rounds worker) counts the explanation.
    await waitFor(async () => (await s.round(ROUND)).explainedRecords === 1, 30_000, 'the explanation to be counted');
    const ids = (await s.json(`/api/localities/${COMMUNE}/worklist?limit=500`)).body.items.map((i: any) => i.recordId);
    expect(ids).not.toContain(id(UNKNOWN_PERSON));
    expect(ids).toContain(id(FOR_STALE));
  });
});

describe('single corrections', () => {

  it('two officers correcting the same record at once: one applied, one 409 naming the record', async () => {
    const recordId = id(FOR_BAD_ID);
    const [a, b] = await Promise.all([
      s.post('/api/corrections', { recordId, baseVersion: 0, decision: 'confirm' }, 'health-00001'),
      s.post('/api/corrections', { recordId, baseVersion: 0, decision: 'confirm', values: { fullName: 'Nguyễn Văn Khác' } }, 'health-00001-b'),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const lost = a.status === 409 ? a : b;
    expect(lost.body.error).toMatchObject({ code: 'conflict', details: { recordId } });
    expect(lost.body.error.message).toContain(recordId);
    const won = a.status === 201 ? a : b;
    expect(won.body.correctionRound).toBe(`correction-${COMMUNE}-2`);
    const h = await s.json(`/api/records/${recordId}/history`);
    expect(h.body.events.filter((e: any) => e.type === 'correction')).toHaveLength(1);
    expect(h.body.version).toBe(1);
    await s.waitRound(`correction-${COMMUNE}-2`, ['completed']);
  });

  it('refuses a bad ID with the reason, an unknown record with 404, a bad body with 400 naming the field', async () => {
    const bad = await s.post('/api/corrections', { recordId: id(FOR_STALE), baseVersion: 0, decision: 'confirm', values: { idNumber: '001485012345' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0]).toMatchObject({ field: 'idNumber', reason: expect.stringMatching(/century\/sex digit 4/) });
    expect((await s.post('/api/corrections', { recordId: 'NOPE', baseVersion: 0, decision: 'confirm' })).status).toBe(404);
    const body = await s.post('/api/corrections', { recordId: id(FOR_STALE), baseVersion: -1, decision: 'maybe' });
    expect(body.status).toBe(400);
    expect(body.body.error.message).toMatch(/body\.baseVersion/);
    expect(body.body.error.message).toMatch(/body\.decision/);
  });

  it('requires the commune police sign-off where the locality says so: stored, applied only when the police sign', async () => {
    // The district coordinator turns the requirement on (audited); the health station submits; the record waits.
    expect((await s.json('/api/localities/001/correction-settings', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signOffRequired: true }) }, 'coord-001')).status).toBe(200);
    const input = { recordId: id(FOR_STALE), baseVersion: 0, decision: 'confirm' };
    const submitted = await s.post('/api/corrections', input);
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ correction: { status: 'awaiting_signoff', signOff: null, officer: { sub: 'health-00001' } }, correctionRound: null });
    expect((await s.ctx.db.models.DoseRecord.findOne({ recordId: id(FOR_STALE) }).lean())!.version ?? 0).toBe(0);
    // A sign-off in the body is not accepted any more.
    expect((await s.post('/api/corrections', { ...input, signOff: { by: 'Công an phường 00001' } })).status).toBe(400);
    const signed = await s.post(`/api/corrections/${submitted.body.correction._id}/sign-off`, { decision: 'approve' }, 'police-00001');
    expect(signed.status).toBe(200);
    expect(signed.body).toMatchObject({ applied: true, correction: { status: 'applied', signOff: { by: 'Công an phường Phúc Xá', sub: 'police-00001', role: 'commune_police' } } });
    expect(signed.body.correctionRound).toBe(`correction-${COMMUNE}-3`);
    await waitFor(async () => (await s.round(`correction-${COMMUNE}-3`))?.status === 'completed', 45_000, 'third correction round');
  });
});
