import { parse as parseCsv } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headerKey } from '../../src/domain/corrections/worksheet.js';
import { communeSites, facilityIdOf } from '../../src/domain/synth/facilities.js';
import { FACILITY_HEADERS } from '../../src/facilities/facilities-csv.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { waitFor } from '../helpers/context.js';
import { alterDocuments, seedDocuments } from '../helpers/fixtures.js';
import { startStack, type Stack } from './corrections-setup.js';

/**
 * Issue 28 over the real API, Redis and Mongo-wire store: the facility register (imported like the
 * units, upserted on the facility ID, bad rows refused by line in Vietnamese, the heads made
 * contacts escalations reach, the names on the worklist, the worksheet and the record, counts per
 * facility for the commune's page), and the police's approval undone while the record has not
 * been verified again (and refused, saying why, once it has).
 */
const COMMUNE = '00001';
let s: Stack;
const citizens = makeCitizens(COMMUNE, 30);
const doses = makeDoses(citizens, `R${COMMUNE}`);
const WRONG_DIGIT = 1; const YEAR_ONLY = 2; const UNKNOWN = 3;
doses.forEach((d, i) => { d.facilityId = i === UNKNOWN ? 'F00001-9' : facilityIdOf(COMMUNE, 1 + (i % 3)); });
doses[WRONG_DIGIT]!.idNumber = doses[WRONG_DIGIT]!.idNumber.slice(0, 8) + String((Number(doses[WRONG_DIGIT]!.idNumber[8]) + 1) % 10) + doses[WRONG_DIGIT]!.idNumber.slice(9);
doses[YEAR_ONLY]!.dateOfBirth = doses[YEAR_ONLY]!.dateOfBirth.slice(0, 4);
doses[UNKNOWN]!.fullName = 'Đinh Công Tráng';
doses[UNKNOWN]!.idNumber = '';

const sites = communeSites({ code: COMMUNE, name: 'Phường Phúc Xá' });
const heads = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Đức Cường'];
const row = (cells: string[]) => cells.map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
const register = (names = sites.map((x) => x.name)) => [FACILITY_HEADERS.join(','),
  ...sites.map((x, i) => row([x.facilityId, names[i]!, COMMUNE, heads[i]!, x.headTitle, `0900 000 50${i}`]))];

beforeAll(async () => {
  s = await startStack('facil');
  await s.verifyCommune(citizens, doses, ['awaiting_corrections']);
}, 180_000); // the stack (OIDC provider, API, workers) and a whole verification round, cold, on a shared 2-core machine

afterAll(async () => { await s?.close(); });

describe('the facility register', () => {
  it('imports the register: valid rows upserted on the facility ID, each bad row refused by line in Vietnamese, nothing valid lost', async () => {
    const long = 'X'.repeat(300);
    const csv = [...register(),
      row(['F 1!', 'Trạm sai mã', COMMUNE, '', '', '']),
      row(['F00001-7', '', COMMUNE, '', '', '']),
      row(['F00001-8', 'Điểm tiêm thiếu xã', '123', '', '', '']),
      row(['F99999-1', 'Điểm tiêm xã lạ', '99999', '', '', '']),
      row([sites[0]!.facilityId, 'Trùng mã', COMMUNE, '', '', '']),
      row(['F00001-6', 'Điểm tiêm số máy sai', COMMUNE, 'Phạm Minh Hà', 'Y sĩ', long]),
    ].join('\n');
    const r = await s.as('admin').post('/api/facilities/import', { csv });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ rows: 9, inserted: 3, updated: 0, unchanged: 0, rejected: 6, heads: 3 });
    expect(r.body.rejects.map((x: any) => x.message)).toEqual([
      'Dòng 5: mã cơ sở "F 1!" không hợp lệ (chữ, số, _ . -, tối đa 64 ký tự)',
      'Dòng 6: cơ sở F00001-7: thiếu tên cơ sở hoặc tên dài quá 200 ký tự',
      'Dòng 7: cơ sở F00001-8: mã xã "123" phải gồm 5 chữ số',
      'Dòng 8: cơ sở F99999-1: không có xã/phường mã 99999 trong danh mục đơn vị hành chính',
      `Dòng 9: mã cơ sở ${sites[0]!.facilityId} đã có ở dòng 2: giữ dòng 2`,
      `Dòng 10: cơ sở F00001-6: số điện thoại "${'X'.repeat(40)}…" không hợp lệ`,
    ]);
    // Stored once each behind a unique index on the facility ID; a re-import changes only what changed.
    const indexes = await s.ctx.db.models.Facility.collection.indexes();
    expect(indexes.find((i) => i.key.facilityId === 1 && Object.keys(i.key).length === 1)?.unique).toBe(true);
    const again = await s.as('admin').post('/api/facilities/import', { csv: register([sites[0]!.name, 'Điểm tiêm Trường THCS Phúc Xá (cơ sở 2)', sites[2]!.name]).join('\n') });
    expect(again.body).toMatchObject({ rows: 3, inserted: 0, updated: 1, unchanged: 2, rejected: 0 });
    expect(await s.ctx.db.models.Facility.countDocuments({})).toBe(3);
    expect((await s.ctx.db.models.Facility.findOne({ facilityId: sites[1]!.facilityId }).lean())!.name).toBe('Điểm tiêm Trường THCS Phúc Xá (cơ sở 2)');
    await s.as('admin').post('/api/facilities/import', { csv: register().join('\n') });
    // Only the campaign admin imports it.
    expect((await s.as('health-00001').post('/api/facilities/import', { csv: register().join('\n') })).status).toBe(403);
    expect(await s.ctx.db.models.AuditEntry.countDocuments({ action: 'facilities.import', sub: 'admin' })).toBe(3);
  });

  it('makes each head a contact of the commune that the commune\'s escalations reach', async () => {
    const contacts = await s.as('admin').get(`/api/localities/${COMMUNE}/contacts`);
    const mine = contacts.body.items.filter((c: any) => c.facilityId);
    expect(mine.map((c: any) => [c.role, c.name, c.title, c.phone])).toEqual(sites.map((x, i) => [`facility-head-${x.facilityId}`, heads[i], `${x.headTitle}, ${x.name}`, `0900 000 50${i}`]));
    const now = new Date();
    await seedDocuments(s.ctx.db.store, 'Escalation', [{
      roundId: `verification-${COMMUNE}-1`, level: 'commune', localityCode: COMMUNE, targetCode: COMMUNE, provinceCode: '01', districtCode: '001',
      escalatedAt: now, deadline: new Date(now.getTime() + 86_400_000), overdueSince: now, unresolved: {}, notifiedAt: now,
    }]);
    const esc = await s.as('health-00001').get(`/api/escalations?locality=${COMMUNE}`);
    expect(esc.status, esc.text).toBe(200);
    const sentTo = esc.body.items.find((e: any) => e.level === 'commune').sentTo.map((p: any) => p.name);
    for (const name of heads) expect(sentTo).toContain(name);
  });

  it('names the site on the worklist, the worksheet and the record', async () => {
    const list = await s.as('health-00001').get(`/api/localities/${COMMUNE}/worklist?limit=100`);
    const item = list.body.items.find((i: any) => i.recordId === doses[WRONG_DIGIT]!.recordId);
    expect(item).toMatchObject({ facilityId: doses[WRONG_DIGIT]!.facilityId, facilityName: sites.find((x) => x.facilityId === doses[WRONG_DIGIT]!.facilityId)!.name });
    const csv = await (await s.as('health-00001').fetch(`/api/localities/${COMMUNE}/worklist.csv`)).text();
    const rows = parseCsv(csv, { columns: (hd: string[]) => hd.map(headerKey), bom: true }) as Record<string, string>[];
    const sheetRow = rows.find((r) => r.recordId === doses[WRONG_DIGIT]!.recordId)!;
    expect(sheetRow.facility).toBe(`${item.facilityName} (${item.facilityId})`);
    expect(rows.find((r) => r.recordId === doses[UNKNOWN]!.recordId)!.facility).toBe('F00001-9');
    const hist = await s.as('health-00001').get(`/api/records/${doses[WRONG_DIGIT]!.recordId}/history`);
    expect(hist.body.record).toMatchObject({ facilityId: item.facilityId, facilityName: item.facilityName });
  });

  it('counts, per facility, the records still to correct and those overdue, for the commune\'s page', async () => {
    const list = await s.as('health-00001').get(`/api/localities/${COMMUNE}/worklist?limit=100`);
    const expected = new Map<string, number>();
    for (const i of list.body.items) expected.set(i.facilityId, (expected.get(i.facilityId) ?? 0) + 1);
    const r = await s.as('coord-001').get(`/api/localities/${COMMUNE}/facilities`);
    expect(r.status, r.text).toBe(200);
    const byId = new Map(r.body.items.map((f: any) => [f.facilityId, f]));
    // Every registered site is listed, with none to correct too; the site the register lacks is said so.
    for (const x of sites) expect(byId.get(x.facilityId)).toMatchObject({ name: x.name, registered: true, toCorrect: expected.get(x.facilityId) ?? 0, overdue: 0 });
    expect(byId.get('F00001-9')).toMatchObject({ name: null, registered: false, toCorrect: 1 });
    expect(r.body.items.reduce((n: number, f: any) => n + f.toCorrect, 0)).toBe(list.body.total);
    // Past the round's deadline, every record still to correct is overdue.
    await alterDocuments(s.ctx.db.store, 'Round', { _id: `verification-${COMMUNE}-1` }, { deadline: new Date(Date.now() - 3_600_000) });
    const late = await s.as('coord-001').get(`/api/localities/${COMMUNE}/facilities`);
    for (const f of late.body.items) expect(f.overdue).toBe(f.toCorrect);
    // Another commune's people do not read it.
    expect((await s.as('health-00004').get(`/api/localities/${COMMUNE}/facilities`)).status).toBe(403);
  });
});

describe('the police undo an approval while the record has not been verified again', () => {
  it('puts the old values back once however often it is asked, audited; refuses after the re-verification, saying why', async () => {
    expect((await s.as('admin').put(`/api/localities/${COMMUNE}/correction-settings`, { signOffRequired: true })).status).toBe(200);
    // No worker: the correction round an approval starts waits, so nothing is verified again.
    await s.stopWorkers();
    const recordId = doses[WRONG_DIGIT]!.recordId;
    const models = s.ctx.db.models;
    const list = await s.as('health-00001').get(`/api/localities/${COMMUNE}/worklist?limit=100`);
    const item = list.body.items.find((i: any) => i.recordId === recordId);
    const made = await s.as('health-00001').post('/api/corrections', { recordId, baseVersion: item.version, decision: 'confirm', values: { idNumber: item.suggested.idNumber } });
    expect(made.status, made.text).toBe(201);
    const id = made.body.correction._id;
    const approved = await s.as('police-00001').post(`/api/corrections/${id}/sign-off`, { decision: 'approve' });
    expect(approved.body).toMatchObject({ applied: true });
    expect((await models.DoseRecord.findById(recordId).lean())!.idNumber).toBe(item.suggested.idNumber);
    const undoable = async () => (await s.as('police-00001').get(`/api/localities/${COMMUNE}/corrections?status=applied&undoable=1`)).body.items.map((c: any) => c.id);
    expect(await undoable()).toEqual([String(id)]);

    // Role and locality as for the decision itself.
    expect((await s.as('health-00001').post(`/api/corrections/${id}/sign-off/undo`)).status).toBe(403);
    expect((await s.as('police-00004').post(`/api/corrections/${id}/sign-off/undo`)).status).toBe(404);

    const undo = await s.as('police-00001').post(`/api/corrections/${id}/sign-off/undo`);
    expect(undo.status, undo.text).toBe(200);
    expect(undo.body).toMatchObject({ undone: 'approve', changed: true, correction: { status: 'awaiting_signoff', signOff: null } });
    const rec = (await models.DoseRecord.findById(recordId).lean())!;
    expect(rec).toMatchObject({ idNumber: doses[WRONG_DIGIT]!.idNumber, version: item.version + 2, openCorrection: String(id) });
    // A double click: the same answer, nothing undone twice, one audit entry naming the act.
    const twice = await s.as('police-00001').post(`/api/corrections/${id}/sign-off/undo`);
    expect(twice.status).toBe(200);
    expect(twice.body).toMatchObject({ undone: null, changed: false });
    expect(await models.AuditEntry.countDocuments({ action: 'correction.signOff.undo', 'before.decision': 'approve', 'after.recordId': recordId })).toBe(1);
    // The health station's list marks it waiting for the police again.
    const again = await s.as('health-00001').get(`/api/localities/${COMMUNE}/worklist?limit=100`);
    expect(again.body.items.find((i: any) => i.recordId === recordId)).toMatchObject({ awaitingSignOff: true });

    // Approved again, then verified again by the workers: the approval stands.
    const second = await s.as('police-00001').post(`/api/corrections/${id}/sign-off`, { decision: 'approve' });
    expect(second.body).toMatchObject({ applied: true });
    const at = (await models.Correction.findById(id).lean())!.signOff!.at!;
    await s.startWorker();
    try {
      await waitFor(() => models.VerificationResult.exists({ recordId, createdAt: { $gt: at } }), 90_000, 'the record verified again');
    } finally {
      await s.stopWorkers();
    }
    expect(await undoable()).toEqual([]);
    const late = await s.as('police-00001').post(`/api/corrections/${id}/sign-off/undo`);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('undo_reverified');
    expect((await models.DoseRecord.findById(recordId).lean())!.idNumber).toBe(item.suggested.idNumber);
    expect((await models.Correction.findById(id).lean())!.status).toBe('applied');
  }, 120_000);
});
