import { headerKey } from '../../src/domain/corrections/worksheet.js';
import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/context.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { startStack, type Stack } from './corrections-setup.js';

/**
 * The hand-off with real identities: in a commune that requires the police's sign-off, the
 * health station's correction is stored but not applied; only a different commune_police
 * identity of that commune applies it (API step or the police's sheet). One identity alone,
 * even one holding both roles, cannot. Changing the requirement is a coordinator's act, audited.
 */
const COMMUNE = '00001';
let s: Stack;
let citizens: ReturnType<typeof makeCitizens>;
let doses: ReturnType<typeof makeDoses>;

beforeAll(async () => {
  s = await startStack('signoff');
  citizens = makeCitizens(COMMUNE, 12);
  // Every entered name drops its diacritics: the matcher suggests the registry's spelling.
  doses = makeDoses(citizens, `S${COMMUNE}`).map((d) => ({ ...d, fullName: d.fullName.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D') }));
  // Every record is `corrected` (a suggestion), which the default completion rule accepts.
  await s.verifyCommune(citizens, doses, ['awaiting_corrections', 'completed']);
}, 180_000); // the stack (OIDC provider, API, workers) and a whole verification round, cold, on a shared 2-core machine

afterAll(async () => { await s?.close(); });

const record = (i: number) => s.ctx.db.models.DoseRecord.findOne({ recordId: doses[i]!.recordId }).lean();

describe('the sign-off requirement', () => {
  it('is changed only by a coordinator of the area, and every change is audited', async () => {
    const put = (login: string, code: string, signOffRequired: boolean) =>
      s.json(`/api/localities/${code}/correction-settings`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signOffRequired }) }, login);
    expect((await put('health-00001', COMMUNE, false)).status).toBe(403);
    expect((await put('police-00001', COMMUNE, false)).status).toBe(403);
    expect((await put('coord-002', COMMUNE, false)).status).toBe(403);
    expect((await put('coord-001', COMMUNE, true)).status).toBe(200);
    const setting = await s.json(`/api/localities/${COMMUNE}/correction-settings`, undefined, 'police-00001');
    expect(setting.body).toMatchObject({ localityCode: COMMUNE, own: true, signOffRequired: true });
    expect(setting.body.changes[0]).toMatchObject({ action: 'correction-settings.signOffRequired', sub: 'coord-001', roles: ['district_coordinator'], before: null, after: true });
    // Only this act's entry (posting the round is audited too).
    expect(await s.ctx.db.models.AuditEntry.countDocuments({ localityCode: COMMUNE, action: 'correction-settings.signOffRequired' })).toBe(1);
  });
});

describe('one identity alone cannot apply a correction in a sign-off locality', () => {
  let correctionId: string;

  it('the health station submits: stored awaiting the sign-off, the record unchanged, no round', async () => {
    const res = await s.post('/api/corrections', { recordId: doses[0]!.recordId, baseVersion: 0, decision: 'confirm' }, 'health-00001');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ correction: { status: 'awaiting_signoff', officer: { sub: 'health-00001', role: 'health_station' }, signOff: null }, correctionRound: null });
    correctionId = res.body.correction._id;
    expect(await record(0)).toMatchObject({ fullName: doses[0]!.fullName, version: 0 });
  });

  it('the submitter cannot sign it off, nor can any health officer, nor the police of another commune (to whom it does not exist)', async () => {
    expect((await s.post(`/api/corrections/${correctionId}/sign-off`, { decision: 'approve' }, 'health-00001')).status).toBe(403);
    expect((await s.post(`/api/corrections/${correctionId}/sign-off`, { decision: 'approve' }, 'health-00001-b')).status).toBe(403);
    expect((await s.post(`/api/corrections/${correctionId}/sign-off`, { decision: 'approve' }, 'police-00004')).status).toBe(404);
    expect(await record(0)).toMatchObject({ version: 0 });
  });

  it('one person holding both commune roles cannot sign off their own correction', async () => {
    const res = await s.post('/api/corrections', { recordId: doses[1]!.recordId, baseVersion: 0, decision: 'confirm' }, 'both-00001');
    expect(res.status).toBe(201);
    const self = await s.post(`/api/corrections/${res.body.correction._id}/sign-off`, { decision: 'approve' }, 'both-00001');
    expect(self.status).toBe(403);
    expect(self.body.error.message).toMatch(/cannot sign it off/);
    expect(await record(1)).toMatchObject({ fullName: doses[1]!.fullName, version: 0 });
    // Another police officer of the commune can.
    const other = await s.post(`/api/corrections/${res.body.correction._id}/sign-off`, { decision: 'approve' }, 'police-00001');
    expect(other.status).toBe(200);
    expect(await record(1)).toMatchObject({ fullName: citizens[1]!.fullName, version: 1 });
  });

  it('the commune police sign it off: applied, re-verified, and a second sign-off changes nothing', async () => {
    const res = await s.post(`/api/corrections/${correctionId}/sign-off`, { decision: 'approve' }, 'police-00001');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applied: true, changed: true, correction: { status: 'applied', signOff: { sub: 'police-00001', role: 'commune_police', decision: 'approve' } } });
    expect(await record(0)).toMatchObject({ fullName: citizens[0]!.fullName, version: 1 });
    const again = await s.post(`/api/corrections/${correctionId}/sign-off`, { decision: 'approve' }, 'police-00001');
    expect(again.body).toMatchObject({ changed: false });
    expect((await s.post(`/api/corrections/${correctionId}/sign-off`, { decision: 'refuse' }, 'police-00001')).status).toBe(409);
    await waitFor(async () => (await s.round(res.body.correctionRound))?.status === 'completed', 60_000, 'the correction round');
  });

  it('in a worksheet upload the sheet cannot name the officer or the sign-off', async () => {
    const sheet = [
      'recordId,baseVersion,decision,corrected_fullName,officerName,officerRole,signedOffBy',
      `${doses[2]!.recordId},0,confirm,,Someone Else,coordinator,Công an phường (tự ký)`,
    ].join('\r\n');
    const res = await s.json(`/api/localities/${COMMUNE}/corrections/upload`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: sheet }, 'health-00001');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ applied: 0, awaitingSignOff: 1, rejected: [] });
    const stored = await s.ctx.db.models.Correction.findOne({ recordId: doses[2]!.recordId }).lean();
    expect(stored).toMatchObject({ status: 'awaiting_signoff', officer: { sub: 'health-00001', name: 'Trạm Y tế Phúc Xá', role: 'health_station' }, signOff: null });
    expect(await record(2)).toMatchObject({ version: 0 });
  });

  it('the police sign off with their sheet: download, fill, upload (approve one, refuse one)', async () => {
    await s.post('/api/corrections', { recordId: doses[3]!.recordId, baseVersion: 0, decision: 'confirm' }, 'health-00001');
    const res = await s.as('police-00001').fetch(`/api/localities/${COMMUNE}/corrections/sign-off.csv`);
    expect(res.status).toBe(200);
    // Vietnamese headers (read back to their keys) and an instructions row first, kept in the upload as an officer would.
    const buf = Buffer.from(await res.arrayBuffer());
    const headers = (parseCsv(buf, { bom: true, to_line: 1 }) as string[][])[0]!;
    const [instructions, ...rows] = parseCsv(buf, { columns: (h: string[]) => h.map(headerKey), bom: true }) as Record<string, string>[];
    expect(instructions!.correctionId).toBe('HƯỚNG DẪN');
    const byRecord = new Map(rows.map((r) => [r.recordId, r]));
    expect([...byRecord.keys()].sort()).toEqual([doses[2]!.recordId, doses[3]!.recordId].sort());
    expect(byRecord.get(doses[2]!.recordId)).toMatchObject({ field: 'Họ và tên', newValue: citizens[2]!.fullName, submittedBy: 'Trạm Y tế Phúc Xá' });
    byRecord.get(doses[2]!.recordId)!.signOff = 'Phê duyệt';
    byRecord.get(doses[3]!.recordId)!.signOff = 'Không phê duyệt';
    const cols = Object.keys(rows[0]!);
    const csv = [headers.join(','), ...[instructions!, ...rows].map((r) => cols.map((c) => `"${(r[c] ?? '').replaceAll('"', '""')}"`).join(','))].join('\r\n');
    // The health station cannot upload the police's sheet.
    expect((await s.json(`/api/localities/${COMMUNE}/corrections/sign-off/upload`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv }, 'health-00001')).status).toBe(403);
    const up = await s.json(`/api/localities/${COMMUNE}/corrections/sign-off/upload`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv }, 'police-00001');
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ approved: 1, refused: 1, rejected: [] });
    expect(await record(2)).toMatchObject({ fullName: citizens[2]!.fullName, version: 1 });
    expect(await record(3)).toMatchObject({ fullName: doses[3]!.fullName, version: 0 });
    // A refused correction frees the record version: the health station may submit again.
    expect((await s.post('/api/corrections', { recordId: doses[3]!.recordId, baseVersion: 0, decision: 'confirm', values: { fullName: citizens[3]!.fullName } }, 'health-00001')).status).toBe(201);
    await waitFor(async () => (await s.ctx.db.models.Round.countDocuments({ kind: 'correction', status: { $ne: 'completed' } })) === 0, 60_000, 'correction rounds to finish');
  });
});

describe('the access log', () => {
  it('records who read which locality\'s personal data, how many records, and is readable by the ministry only', async () => {
    await s.json(`/api/localities/${COMMUNE}/worklist?limit=5`, undefined, 'coord-001');
    await s.json(`/api/records/${doses[0]!.recordId}/history`, undefined, 'police-00001');
    await s.as('health-00001').fetch(`/api/localities/${COMMUNE}/worklist.csv`).then((r) => r.arrayBuffer());
    await s.json(`/api/citizens/${citizens[0]!.personalId}/passport-eligibility`, undefined, 'checker');
    const log = await s.json('/api/access-log?limit=50', undefined, 'ministry');
    expect(log.status).toBe(200);
    const items = log.body.items as any[];
    expect(items.find((e) => e.kind === 'worklist' && e.sub === 'coord-001')).toMatchObject({ roles: ['district_coordinator'], locality: COMMUNE, records: expect.any(Number) });
    expect(items.find((e) => e.kind === 'history' && e.sub === 'police-00001')).toMatchObject({ locality: COMMUNE, subject: doses[0]!.recordId });
    const exp = items.find((e) => e.kind === 'export' && e.sub === 'health-00001');
    expect(exp.records).toBe((await s.json(`/api/localities/${COMMUNE}/worklist?limit=500`, undefined, 'admin')).body.items.length);
    const elig = items.find((e) => e.kind === 'eligibility' && e.sub === 'checker');
    expect(elig).toMatchObject({ records: 1, locality: null });
    expect(elig.subject).not.toContain(citizens[0]!.personalId); // the looked-up number is kept masked
    expect((await s.json('/api/access-log?sub=coord-001', undefined, 'admin')).body.items.every((e: any) => e.sub === 'coord-001')).toBe(true);
    expect((await s.json('/api/access-log', undefined, 'coord-001')).status).toBe(403);
    expect((await s.json('/api/access-log', undefined, 'operator')).status).toBe(403);
  });
});
