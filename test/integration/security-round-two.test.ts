import { spawnSync } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_QUEUE } from '../../queues/import.queue.js';
import { createWebhookChannel } from '../../src/notify/webhook.channel.js';
import { webhookTargetRefusal } from '../../src/notify/webhook-hosts.js';
import { PermanentDeliveryError } from '../../src/notify/permanent-delivery.error.js';
import { neutraliseCell } from '../../src/lib/csv-safe.js';
import { processImport } from '../../workers/import.processor.js';
import { createLogger } from '../../src/lib/logger.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { startAppWithAuth, type AppWithAuth } from '../helpers/app-with-auth.js';

import { headerRow, xlsx } from '../helpers/zip.js';
import { seedDocuments, seedLocalities, seedOtherProvince } from '../helpers/fixtures.js';

/**
 * The findings of issue 29, each sent as the issue describes, against the app with real auth,
 * real Redis and the real store. Every test asserts the refusal and that nothing changed; each
 * failed on main 5d06b98.
 */
let ctx: TestContext;
let app: AppWithAuth;
let importWorker: Worker;
const uploadDir = mkdtempSync(join(tmpdir(), 'vv-sec2-uploads-'));
const OWN = 'R1-000001'; // a record of commune 00001
const FOREIGN = 'R4-000001'; // a record of commune 00004

beforeAll(async () => {
  ctx = await createTestContext('security2');
  await seedLocalities(ctx.db.store);
  await seedOtherProvince(ctx.db.store);
  await seedDocuments(ctx.db.store, 'DoseRecord', [
    { recordId: OWN, communeCode: '00001', fullName: 'Lê Văn Một', dateOfBirth: '1950-01-01', gender: 'male', idNumber: '001050000001', nationality: 'VN', version: 0 },
    { recordId: FOREIGN, communeCode: '00004', fullName: 'Trần Thị Bốn', dateOfBirth: '1940-03-04', gender: 'female', idNumber: '001140000004', nationality: 'VN', version: 0 },
  ]);
  await seedWorklist('00006', EXPORT_ROWS);
  await seedEscalations();
  app = await startAppWithAuth(ctx, { env: { RATE_LIMIT_PER_MIN: '100000', UPLOAD_DIR: uploadDir }, log: createLogger({ level: 'silent' }) });
  importWorker = new Worker(IMPORT_QUEUE, (job) => processImport(job, { store: ctx.db.store, log: createLogger({ level: 'silent' }), uploadDir }), { connection: ctx.redis, prefix: ctx.prefix });
}, 120_000); // a worklist of EXPORT_ROWS records and escalations seeded, the API with sign-in and an import worker started cold

/** Rows of 00006's worklist: ~10 pages of 500, far more than one socket write, so a client can leave mid-stream. */
const EXPORT_ROWS = 5000;

/** A verification round of `commune` with `n` records to review (the worklist's read path: states, results, records). */
async function seedWorklist(commune: string, n: number) {
  const round = `verification-${commune}-1`;
  const now = new Date();
  await seedDocuments(ctx.db.store, 'Round', [{
    _id: round, localityCode: commune, kind: 'verification', seq: 1, status: 'awaiting_corrections', deadline: new Date(now.getTime() + 72 * 3_600_000),
    totalRecords: n, processedRecords: n, counters: { review: n }, transitions: [{ from: null, to: 'awaiting_corrections', at: now, cause: 'test seed' }],
  }]);
  const ids = Array.from({ length: n }, (_, i) => `W${commune}-${String(i).padStart(5, '0')}`);
  await seedDocuments(ctx.db.store, 'DoseRecord', ids.map((recordId, i) => ({ _id: recordId, recordId, communeCode: commune, fullName: `Nguyễn Thị Xuất ${i}`, dateOfBirth: '1960-02-03', gender: 'female', idNumber: `0011600${String(i).padStart(5, '0')}`, nationality: 'VN', version: 0 })));
  await seedDocuments(ctx.db.store, 'VerificationResult', ids.map((recordId) => ({ _id: `${round}/${recordId}`, roundId: round, recordId, localityCode: commune, outcome: 'review', score: 0.5, candidates: [], corrections: {} })));
  await seedDocuments(ctx.db.store, 'RecordState', ids.map((recordId) => ({ _id: recordId, communeCode: commune, roundId: round, plannedAt: now, outcome: 'review', resultAt: now })));
}

const esc: Record<'ministry' | 'province' | 'district', string> = { ministry: '', province: '', district: '' };

/** A round of 00001 escalated to the district (001), the province (01) and the ministry (VN). */
async function seedEscalations() {
  const now = new Date();
  const round = 'verification-00001-1';
  await seedDocuments(ctx.db.store, 'Round', [{
    _id: round, localityCode: '00001', kind: 'verification', seq: 1, status: 'awaiting_corrections', deadline: now,
    totalRecords: 1, processedRecords: 1, counters: { review: 1 }, transitions: [{ from: null, to: 'awaiting_corrections', at: now, cause: 'test seed' }],
  }]);
  for (const [level, targetCode] of [['district', '001'], ['province', '01'], ['ministry', 'VN']] as const) {
    const [e] = await seedDocuments(ctx.db.store, 'Escalation', [{
      roundId: round, level, localityCode: '00001', targetCode, provinceCode: '01', districtCode: '001', escalatedAt: now, deadline: now, overdueSince: now, notifiedAt: now,
      unresolved: { unprocessed: 0, byOutcome: { review: 1 }, backlog: 0, total: 1 },
    }]);
    esc[level] = e!;
  }
}

afterAll(async () => {
  await importWorker?.close();
  await app?.close();
  rmSync(uploadDir, { recursive: true, force: true });
  await ctx?.close();
});

/** Everything the tests could have changed, to compare before and after a refused request. */
async function snapshot() {
  const m = ctx.db.models;
  return JSON.stringify({
    records: await m.DoseRecord.find({ communeCode: { $in: ['00001', '00004', '00100'] } }).sort({ _id: 1 }).lean(),
    corrections: await m.Correction.find({}).sort({ _id: 1 }).lean(),
    rounds: await m.Round.countDocuments({}),
  });
}

/** An XLSX of `rows` data rows whose `key` cell holds `chars` characters (deflates ~1000:1). */
function hugeCellSheet(key: string, rows: number, chars: number): Buffer {
  const cols = [key, 'baseVersion', 'decision', 'explanation', 'signOff'];
  const big = 'A'.repeat(chars);
  const data = Array.from({ length: rows }, (_, i) => {
    const r = i + 2;
    return `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>${big}</t></is></c><c r="B${r}"><v>0</v></c><c r="C${r}" t="inlineStr"><is><t>explain</t></is></c><c r="D${r}" t="inlineStr"><is><t>x</t></is></c><c r="E${r}" t="inlineStr"><is><t>approve</t></is></c></row>`;
  }).join('');
  return xlsx(headerRow(cols) + data);
}

describe('finding 1: bounded values in uploads, bounded error answers', () => {
  // 11 rows of 8 MiB cells: ~92 KB on the wire, 88 MiB inflated (under the 100 MiB archive cap).
  const cases = [
    { who: 'health-00001', path: '/api/localities/00001/corrections/upload', key: 'recordId' },
    { who: 'police-00001', path: '/api/localities/00001/corrections/sign-off/upload', key: 'correctionId' },
  ] as const;
  for (const c of cases) {
    it(`${c.who}: a 92 KB XLSX with 8 MiB ${c.key} cells answers a small 400 naming the cell, nothing changes`, async () => {
      const file = hugeCellSheet(c.key, 11, 8 * 1024 * 1024);
      expect(file.length).toBeLessThan(200_000);
      const before = await snapshot();
      const res = await app.as(c.who).request(c.path, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file });
      expect(res.status).toBe(400);
      expect(res.body.error.details.field).toBe(c.key);
      expect(res.body.error.message).toMatch(/A2/);
      expect(Buffer.byteLength(res.text)).toBeLessThanOrEqual(20 * file.length);
      expect(Buffer.byteLength(res.text)).toBeLessThan(2000);
      expect(await snapshot()).toBe(before);
    }, 60_000); // inflating 88 MiB twice (limits check, then exceljs) takes a few seconds on 2 shared cores
  }

  it('a 17 MiB recordId is a 400 naming the field, not a 500', async () => {
    const file = hugeCellSheet('recordId', 1, 17 * 1024 * 1024);
    const before = await snapshot();
    const res = await app.as('health-00001').request('/api/localities/00001/corrections/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file });
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe('recordId');
    expect(res.text.length).toBeLessThan(2000);
    expect(await snapshot()).toBe(before);
  }, 60_000); // as above: 17 MiB inflated twice

  it('a recordId over 80 characters in a CSV row is refused like the API refuses it', async () => {
    const csv = `recordId,baseVersion,decision,explanation\n${'R'.repeat(81)},0,explain,x\n`;
    const before = await snapshot();
    const res = await app.as('health-00001').request('/api/localities/00001/corrections/upload', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(400);
    expect(res.body.error.details.field).toBe('recordId');
    expect(res.text).not.toContain('R'.repeat(81));
    expect(await snapshot()).toBe(before);
  });
});

/** GET `path` as `who` and destroy the socket as soon as the first body bytes arrive. */
async function abortedDownload(who: string, path: string): Promise<number> {
  const token = await app.as(who).token();
  return new Promise((resolve, reject) => {
    const req = httpRequest(app.base + path, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.once('data', () => { req.destroy(); resolve(res.statusCode ?? 0); });
    });
    req.on('error', (err) => { if (!req.destroyed) reject(err); });
    req.end();
  });
}

describe('finding 2: personal-data exports are logged when they start and when they end', () => {
  for (const ext of ['csv', 'xlsx'] as const) {
    it(`an aborted worklist.${ext} download leaves an access-log row marked aborted, with the rows promised and sent`, async () => {
      const route = `GET /api/localities/:code/worklist.${ext}`;
      expect(await abortedDownload('coord-001', `/api/localities/00006/worklist.${ext}`)).toBe(200);
      const row = await waitFor(() => ctx.db.models.AccessLog.findOne({ sub: 'coord-001', route, status: 'aborted' }).lean(), 20_000, 'the aborted row');
      expect(row.promised).toBe(EXPORT_ROWS);
      expect(row.records).toBeLessThan(EXPORT_ROWS);
      expect(row.kind).toBe('export');
      expect(row.locality).toBe('00006');
    }, 60_000); // 10 pages of a 5,000-row export on 2 shared cores
  }

  it('a completed download is logged started, then completed with every row', async () => {
    const res = await app.as('coord-001').fetch('/api/localities/00006/worklist.csv');
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\r\n');
    const row = await ctx.db.models.AccessLog.findOne({ sub: 'coord-001', route: 'GET /api/localities/:code/worklist.csv', status: 'completed' }).lean();
    expect(row?.promised).toBe(EXPORT_ROWS);
    expect(row?.records).toBe(EXPORT_ROWS);
    expect(lines.length).toBe(EXPORT_ROWS + 2); // header and instructions rows
  }, 60_000); // as above

  it('the police sign-off sheet is logged the same way', async () => {
    const res = await app.as('police-00001').fetch('/api/localities/00001/corrections/sign-off.csv');
    expect(res.status).toBe(200);
    await res.text();
    const row = await ctx.db.models.AccessLog.findOne({ sub: 'police-00001', route: 'GET /api/localities/:code/corrections/sign-off.csv' }).lean();
    expect(row?.status).toBe('completed');
    expect(row?.promised).toBe(0);
  });
});

describe('finding 3: escalations are acknowledged by their level, by the signed-in identity, once', () => {
  const ackState = async (id: string) => JSON.stringify(await ctx.db.models.Escalation.findById(id, { acknowledgedAt: 1, acknowledgedBy: 1, ackNote: 1 }).lean());
  const ack = (who: string, id: string) => app.as(who).post(`/api/escalations/${id}/ack`, { by: 'office', note: 'seen' });

  it("a district coordinator cannot acknowledge the ministry's or the province's escalation (as if it did not exist)", async () => {
    for (const level of ['ministry', 'province'] as const) {
      const before = await ackState(esc[level]);
      const res = await ack('coord-001', esc[level]);
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(`escalation ${esc[level]} not found`);
      expect(await ackState(esc[level])).toBe(before);
    }
    expect(await ctx.db.models.AuditEntry.countDocuments({ action: 'escalation.ack', sub: 'coord-001' })).toBe(0);
  });

  it("the province coordinator cannot acknowledge the district's escalation: that level's own role does", async () => {
    const before = await ackState(esc.district);
    const res = await ack('prov-01', esc.district);
    expect(res.status).toBe(403);
    expect(await ackState(esc.district)).toBe(before);
    const own = await ack('coord-001', esc.district);
    expect(own.status).toBe(200);
    expect(own.body.acknowledgedBy).toBe('coord-001');
  });

  it('the ministry acknowledges a ministry-level escalation; a later acknowledgement is a 409 naming who did, nothing changes', async () => {
    const res = await ack('ministry', esc.ministry);
    expect(res.status).toBe(200);
    expect(res.body.acknowledgedBy).toBe('ministry');
    expect(await ctx.db.models.AuditEntry.countDocuments({ action: 'escalation.ack', sub: 'ministry' })).toBe(1);
    const before = await ackState(esc.ministry);
    const later = await ack('admin', esc.ministry);
    expect(later.status).toBe(409);
    expect(later.body.error.message).toContain('ministry');
    expect(later.body.error.details.acknowledgedBy).toBe('ministry');
    expect(await ackState(esc.ministry)).toBe(before);
    // The same identity again is a retry: 200, unchanged, no second audit row.
    expect((await ack('ministry', esc.ministry)).status).toBe(200);
    expect(await ackState(esc.ministry)).toBe(before);
    expect(await ctx.db.models.AuditEntry.countDocuments({ action: 'escalation.ack', sub: 'ministry' })).toBe(1);
  });
});

/** Upload a doses CSV as `who` and wait for the import job to finish. */
async function importDoses(who: string, csv: string) {
  const res = await app.as(who).request('/api/imports/doses', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
  expect(res.status).toBe(202);
  const done = await waitFor(async () => {
    const r = await app.as(who).get(`/api/imports/${res.body.importId}`);
    return r.body.state === 'completed' || r.body.state === 'failed' ? r.body : null;
  }, 30_000, 'the import job');
  return { upload: res.body, ...done };
}

describe('finding 4: imports go through the rules of every other write', () => {
  const HEADER = 'recordId,fullName,dateOfBirth,gender,idNumber,nationality,communeCode';
  const seedHeld = async () => {
    await seedDocuments(ctx.db.store, 'DoseRecord', [
      // A correction awaiting the police holds the record's version.
      { recordId: 'IMP-OPEN', communeCode: '00001', fullName: 'Lê Thị Chờ', dateOfBirth: '1970-01-01', gender: 'female', idNumber: '001070000001', nationality: 'VN', version: 0, openCorrection: 'c-open' },
      // Corrected (version 1) since it was entered.
      { recordId: 'IMP-FIXED', communeCode: '00001', fullName: 'Lê Thị Sửa', dateOfBirth: '1970-01-02', gender: 'female', idNumber: '001070000002', nationality: 'VN', version: 1 },
      // A record of another province.
      { recordId: 'IMP-FAR', communeCode: '00100', fullName: 'Lê Thị Xa', dateOfBirth: '1970-01-03', gender: 'female', idNumber: '002070000003', nationality: 'VN', version: 0 },
    ]);
  };

  it('a record with an open correction, a corrected one and one of another commune are held and reported by line, never overwritten', async () => {
    await seedHeld();
    const ids = ['IMP-OPEN', 'IMP-FIXED', 'IMP-FAR'];
    const before = JSON.stringify(await ctx.db.models.DoseRecord.find({ _id: { $in: ids } }).sort({ _id: 1 }).lean());
    const csv = [HEADER,
      'IMP-OPEN,Lê Thị Chờ,1970-01-01,female,001099999991,VN,00001',
      'IMP-FIXED,Lê Thị Khác,1970-01-02,female,001070000002,VN,00001',
      'IMP-FAR,Lê Thị Xa,1970-01-03,female,002070000003,VN,00001',
      'IMP-NEW,Lê Thị Mới,1970-01-04,female,001070000004,VN,00001'].join('\n');
    const out = await importDoses('operator', csv);
    expect(out.state).toBe('completed');
    expect(out.summary).toMatchObject({ inserted: 1, updated: 0, held: 3 });
    expect(JSON.stringify(await ctx.db.models.DoseRecord.find({ _id: { $in: ids } }).sort({ _id: 1 }).lean())).toBe(before);
    expect(out.rejects.sample).toEqual([
      { line: 2, field: 'recordId', reason: expect.stringMatching(/awaiting the police/) },
      { line: 3, field: 'recordId', reason: expect.stringMatching(/corrected \(version 1\)/) },
      { line: 4, field: 'communeCode', reason: expect.stringMatching(/commune 00100.*transfer/) },
    ].sort((a, b) => a.line - b.line));
    // The reject file names line and column, never a value of the row.
    expect(JSON.stringify(out.rejects)).not.toMatch(/Lê Thị|001099999991/);
    expect((await ctx.db.models.DoseRecord.findById('IMP-NEW').lean())?.communeCode).toBe('00001');
  }, 60_000); // an import job round trip on 2 shared cores

  it('the uploader is stored with the import and in the audit log; the upload is written 0600 and removed once imported', async () => {
    const out = await importDoses('operator', [HEADER, 'IMP-W1,Lê Văn Một,1971-01-01,male,001071000001,VN,00004'].join('\n'));
    expect(out.uploadedBy).toEqual({ sub: 'operator', name: 'Queue Operator' });
    expect(out.summary.uploadedBy).toEqual({ sub: 'operator', name: 'Queue Operator' });
    const audit = await ctx.db.models.AuditEntry.findOne({ action: 'import.upload', 'after.importId': out.upload.importId }).lean();
    expect(audit?.sub).toBe('operator');
    expect(readdirSync(uploadDir).filter((f) => f.startsWith(out.upload.importId) && !f.endsWith('.rejects.csv'))).toEqual([]);
  }, 60_000); // as above

  it('an upload waiting for the worker is readable by its owner only (0600)', async () => {
    await importWorker.pause();
    try {
      const res = await app.as('operator').request('/api/imports/doses', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: `${HEADER}\nIMP-W2,A,1971-01-01,male,1,VN,00004\n` });
      expect(res.status).toBe(202);
      const file = readdirSync(uploadDir).find((f) => f.startsWith(res.body.importId));
      expect(statSync(join(uploadDir, file!)).mode & 0o777).toBe(0o600);
    } finally {
      importWorker.resume();
    }
  });
});

describe('finding 5: a facility belongs to the commune whose records carry it; the reporter is the token', () => {
  it("00001 cannot squat 00004's facility, and 00004's own report goes through (releasing an earlier squat)", async () => {
    const m = ctx.db.models;
    await seedDocuments(ctx.db.store, 'DoseRecord', [{ recordId: 'FAC-1', communeCode: '00004', fullName: 'Trần Văn Cơ', dateOfBirth: '1980-01-01', gender: 'male', idNumber: '001080000001', nationality: 'VN', version: 0, facilityId: 'F00004-2', vaccinatedAt: '2021-09-01' }]);
    // A squat recorded before this fix (the first reporter took the facility).
    await seedDocuments(ctx.db.store, 'DoseReport', [{ communeCode: '00001', facilityId: 'F00004-2', day: '2021-09-01', administered: 1, reportedBy: 'health-00001' }]);
    const squat = await app.as('health-00001').post('/api/dose-reports', { facilityId: 'F00004-2', communeCode: '00001', day: '2021-09-02', administered: 0 });
    expect(squat.status).toBe(409);
    expect(await m.DoseReport.countDocuments({ facilityId: 'F00004-2', day: '2021-09-02' })).toBe(0);
    const own = await app.as('health-00004').post('/api/dose-reports', { facilityId: 'F00004-2', communeCode: '00004', day: '2021-09-01', administered: 218, reportedBy: 'someone else' });
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ communeCode: '00004', administered: 218, reportedBy: 'health-00004' });
    expect(await m.DoseReport.countDocuments({ facilityId: 'F00004-2', communeCode: '00001' })).toBe(0);
  });

  it('an XLSX or garbage sent to the dose-report upload is a 400, not a 500 (found by the fuzzer)', async () => {
    const res = await app.as('admin').request('/api/dose-reports/upload', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: hugeCellSheet('recordId', 2, 1024) });
    expect(res.status).toBe(400);
  });

  it('an uploaded report is reported by the uploader, whatever its reportedBy column says', async () => {
    const csv = 'facilityId,communeCode,day,administered,reportedBy\r\nTYT-UP-1,00006,2021-09-01,7,forged\r\n';
    const res = await app.as('admin').request('/api/dose-reports/upload', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(200);
    expect((await ctx.db.models.DoseReport.findOne({ facilityId: 'TYT-UP-1' }).lean())?.reportedBy).toBe('admin');
  });
});

describe('finding 6: same answer for missing and foreign, overview scoped, no values in import errors', () => {
  it("the worksheet upload answers another commune's record exactly as a missing one", async () => {
    const csv = `recordId,baseVersion,decision,explanation\n${FOREIGN},0,explain,x\nR9-999999,0,explain,x\n`;
    const before = await snapshot();
    const res = await app.as('health-00001').request('/api/localities/00001/corrections/upload', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(200);
    const [foreign, missing] = res.body.rejected as { recordId: string }[];
    const strip = (x: unknown, id: string) => JSON.stringify(x).replaceAll(id, 'ID').replace(/"row":\d+/, '');
    expect(strip(foreign, FOREIGN)).toBe(strip(missing, 'R9-999999'));
    expect(await snapshot()).toBe(before);
  });

  it("a district coordinator's campaign overview holds its district only", async () => {
    const at = new Date();
    const unit = (_id: string, level: string, parentCode: string | null, n: number) => ({ _id, name: `Đơn vị ${_id}`, level, parentCode, communes: 1, health: { on_time: n, overdue: 1 }, hash: _id, computedAt: at });
    await seedDocuments(ctx.db.store, 'LocalityProgress', [
      unit('VN', 'national', null, 30), unit('01', 'province', 'VN', 20), unit('02', 'province', 'VN', 10),
      unit('001', 'district', '01', 12), unit('002', 'district', '01', 8), unit('024', 'district', '02', 10),
    ]);
    const res = await app.as('coord-001').get('/api/campaign/overview');
    expect(res.status).toBe(200);
    expect(res.body.provinces.map((p: any) => [p.code, p.districts.map((d: any) => d.code)])).toEqual([['01', ['001']]]);
    expect(res.body.totals).toMatchObject({ on_time: 12, overdue: 1 });
    expect(res.body.provinces[0]).toMatchObject({ on_time: 12 });
    const ministry = await app.as('ministry').get('/api/campaign/overview');
    expect(ministry.body.provinces.map((p: any) => p.code)).toEqual(['01', '02']);
    expect(ministry.body.totals).toMatchObject({ on_time: 30 });
  });

  it("a header-less CSV import never puts a person's name in the job's error, failedReason or reject file", async () => {
    const csv = 'Nguyễn Văn Bí Mật,Nguyễn Văn Bí Mật,1970-01-01\nX,Y,Z\n';
    const out = await importDoses('operator', csv);
    expect(out.state).toBe('failed');
    expect(JSON.stringify(out)).not.toMatch(/Bí Mật/);
    const ndjson = await app.as('operator').request('/api/imports/doses?format=ndjson', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: '{"recordId":"N1","communeCode":"00001"}\nNguyễn Văn Bí Mật\n' });
    const done = await waitFor(async () => {
      const r = await app.as('operator').get(`/api/imports/${ndjson.body.importId}`);
      return r.body.state === 'completed' || r.body.state === 'failed' ? r.body : null;
    }, 30_000, 'the NDJSON import');
    expect(done.rejects.sample).toEqual([{ line: 2, reason: expect.stringMatching(/^invalid JSON/) }]);
    expect(JSON.stringify(done)).not.toMatch(/Bí Mật|Nguy/);
  }, 60_000); // two import jobs on 2 shared cores
});

describe('finding 7: webhooks, the CSV neutraliser, Bull Board, frames, the issuer', () => {
  const hook = (allowed: string[]) => createWebhookChannel({ secret: 'x'.repeat(32), timeoutMs: 2000, allowedHosts: allowed });
  const send = (allowed: string[], target: string) => hook(allowed).send({ key: 'k', kind: 'escalation', target, payload: {} } as never);

  it('a webhook to an allowed host on another port, or a wildcard name resolving to loopback, is refused before any connection', async () => {
    await expect(send(['127.0.0.1'], 'http://127.0.0.1:6379/')).rejects.toBeInstanceOf(PermanentDeliveryError);
    // A wildcard name that resolves to a private or loopback address (no such name resolves here: the resolver is given).
    expect(await webhookTargetRefusal('https://hook.gov.vn/', ['*.gov.vn'], async () => ['10.0.0.5'])).toMatch(/internal address/);
    expect(await webhookTargetRefusal('https://hook.gov.vn/', ['*.gov.vn'], async () => ['::ffff:127.0.0.1'])).toMatch(/internal address/);
    expect(await webhookTargetRefusal('https://hook.gov.vn/', ['*.gov.vn'], async () => ['203.162.4.190'])).toBeNull();
    await expect(send(['127.0.0.1:80'], 'ftp://127.0.0.1/')).rejects.toBeInstanceOf(PermanentDeliveryError);
    // Allowed by its exact name and port: sent (the refused connection is a retryable error, not a refusal).
    await expect(send(['127.0.0.1:9'], 'http://127.0.0.1:9/')).rejects.not.toBeInstanceOf(PermanentDeliveryError);
  });

  it('cells starting with invisible format characters before = are neutralised', () => {
    for (const lead of ['\u2060', '\u00ad', '\u200e', '\u061c', '\u2060 \u00ad']) expect(neutraliseCell(`${lead}=HYPERLINK("http://x")`)).toBe(`'${lead}=HYPERLINK("http://x")`);
    expect(neutraliseCell('Nguyễn Văn An')).toBe('Nguyễn Văn An');
  });

  it('Bull Board names no third-party origin and is served with a CSP that forbids framing', async () => {
    const res = await app.as('operator').get('/admin/queues');
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(/fonts\.googleapis|fonts\.gstatic|https?:\/\/(?!127\.0\.0\.1)[a-z]/i);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
  });

  it("the dashboard's CSP forbids framing", async () => {
    const res = await app.as('coord-001').request('/dashboard');
    expect(res.headers.get('content-security-policy') ?? '').toContain("frame-ancestors 'none'");
  });

  it('the API refuses to start, naming OIDC_ISSUER, when the issuer is on a port fetch refuses', () => {
    const out = spawnSync(process.execPath, ['--import', 'tsx', 'src/http/main.ts'], {
      env: { ...process.env, OIDC_ISSUER: 'http://127.0.0.1:4190', OIDC_ALLOW_HTTP: 'true', REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, PORT: '0', LOG_LEVEL: 'info' },
      encoding: 'utf8', timeout: 60_000,
    });
    expect(out.status).toBe(1);
    expect(out.stdout + out.stderr).toMatch(/OIDC_ISSUER: its port is one fetch\(\) refuses/);
  }, 90_000); // a tsx start-up on 2 shared cores
});
