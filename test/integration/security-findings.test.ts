import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMPORT_QUEUE, ImportJob, importJobId } from '../../queues/import.queue.js';
import { createLogger } from '../../src/lib/logger.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { startAppWithAuth, type AppWithAuth } from '../helpers/app-with-auth.js';
import { seedDocuments, seedLocalities } from '../helpers/fixtures.js';

/**
 * The attacks of issue 16, each as an attacker with a valid commune token would send it. Every
 * test here failed on main before the fix it names.
 */
let ctx: TestContext;
let app: AppWithAuth;
const uploadDir = mkdtempSync(join(tmpdir(), 'vv-sec-uploads-'));
const FOREIGN = 'R4-000001'; // a record of commune 00004
const OWN = 'R1-000001'; // a record of commune 00001

beforeAll(async () => {
  ctx = await createTestContext('security');
  await seedLocalities(ctx.db.store);
  await seedDocuments(ctx.db.store, 'DoseRecord', [
    { recordId: FOREIGN, communeCode: '00004', fullName: 'Trần Thị Bốn', dateOfBirth: '1940-03-04', gender: 'female', idNumber: '001140000004', nationality: 'VN', version: 0 },
    { recordId: OWN, communeCode: '00001', fullName: 'Lê Văn Một', dateOfBirth: '1950-01-01', gender: 'male', idNumber: '001050000001', nationality: 'VN', version: 0 },
  ]);
  app = await startAppWithAuth(ctx, { env: { RATE_LIMIT_PER_MIN: '100000', SIGN_IN_RATE_PER_MIN: '5', UPLOAD_DIR: uploadDir }, log: createLogger({ level: 'silent' }) });
}, 120_000); // the API with sign-in (OIDC provider) started cold after the seed, on a shared 2-core machine

afterAll(async () => {
  await app?.close();
  await ctx?.close();
  rmSync(uploadDir, { recursive: true, force: true });
});

describe('finding 1: one parse point for the scope and the handler', () => {
  for (const [label, id] of [['a leading space', ` ${FOREIGN}`], ['a leading U+00A0', `\u00a0${FOREIGN}`], ['a trailing tab', `${FOREIGN}\t`]] as const) {
    it(`a correction of another commune's record with ${label} is refused as not found, nothing changes`, async () => {
      const res = await app.as('health-00001').post('/api/corrections', { recordId: id, baseVersion: 0, decision: 'confirm', values: { fullName: 'Kẻ Tấn Công' } });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
      const rec = await ctx.db.models.DoseRecord.findOne({ recordId: FOREIGN }).lean();
      expect(rec?.fullName).toBe('Trần Thị Bốn');
      expect(rec?.version).toBe(0);
      expect(await ctx.db.models.Correction.countDocuments({ recordId: FOREIGN })).toBe(0);
      expect(await ctx.db.models.Round.countDocuments({ localityCode: '00004' })).toBe(0);
    });
  }

  it("a mismatched field does not leak the other commune's record in a 400", async () => {
    const res = await app.as('health-00001').post('/api/corrections', { recordId: ` ${FOREIGN}`, baseVersion: 0, decision: 'confirm', values: { idNumber: '001190000004' } });
    expect(res.status).toBe(404);
    expect(res.text).not.toMatch(/1940|Bốn|001140000004/);
  });

  it('missing and outside the area answer the same 404', async () => {
    const missing = await app.as('health-00001').post('/api/corrections', { recordId: 'R9-999999', baseVersion: 0, decision: 'explain', explanation: 'x' });
    const outside = await app.as('health-00001').post('/api/corrections', { recordId: FOREIGN, baseVersion: 0, decision: 'explain', explanation: 'x' });
    expect(missing.status).toBe(404);
    expect(outside.status).toBe(404);
    expect(outside.body.error.message.replace(FOREIGN, 'ID')).toBe(missing.body.error.message.replace('R9-999999', 'ID'));
    const hist = await app.as('health-00001').get(`/api/records/${encodeURIComponent(` ${FOREIGN}`)}/history`);
    expect(hist.status).toBe(404);
    expect((await app.as('health-00001').get(`/api/records/${FOREIGN}/history`)).status).toBe(404);
  });

  it('the own record, with the same whitespace, is corrected and the read is access-logged', async () => {
    const before = await ctx.db.models.AccessLog.countDocuments({ sub: 'health-00001', subject: OWN });
    const res = await app.as('health-00001').post('/api/corrections', { recordId: `\u00a0${OWN} `, baseVersion: 0, decision: 'explain', explanation: 'entered twice' });
    expect(res.status).toBe(201);
    expect(res.body.correction.recordId).toBe(OWN);
    expect(await ctx.db.models.AccessLog.countDocuments({ sub: 'health-00001', subject: OWN })).toBe(before + 1);
  });

  it('an id of the wrong type, or an operator object, is a 400 naming the field, never a 500 or a pass', async () => {
    const res = await app.as('health-00001').post('/api/corrections', { recordId: { $ne: null }, baseVersion: 0, decision: 'explain', explanation: 'x' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/recordId/);
    const arr = await app.as('health-00001').post('/api/corrections', { recordId: [OWN, FOREIGN], baseVersion: 0, decision: 'explain', explanation: 'x' });
    expect(arr.status).toBe(400);
  });
});

describe('finding 2: dose reports keyed by facility within a commune', () => {
  it("commune 00001 cannot take over 00004's report of a facility and day", async () => {
    const own = await app.as('health-00004').post('/api/dose-reports', { facilityId: 'TYT-BON', communeCode: '00004', day: '2021-09-01', administered: 120 });
    expect(own.status).toBe(200);
    const steal = await app.as('health-00001').post('/api/dose-reports', { facilityId: 'TYT-BON', communeCode: '00001', day: '2021-09-01', administered: 0 });
    expect(steal.status).toBe(409);
    expect(steal.text).not.toMatch(/00004|120/);
    const doc = await ctx.db.models.DoseReport.findOne({ facilityId: 'TYT-BON', day: '2021-09-01' }).lean();
    expect(doc).toMatchObject({ communeCode: '00004', administered: 120 });
    const other = await app.as('health-00001').post('/api/dose-reports', { facilityId: 'TYT-BON', communeCode: '00001', day: '2021-09-02', administered: 5 });
    expect(other.status).toBe(409); // a facility belongs to one commune, whatever the day
    const backlog = await app.as('health-00004').get('/api/localities/00004/backlog');
    expect(backlog.body.total.reported).toBe(120);
  });
});

describe('finding 3 and 4: uploads and cookies never answer 500', () => {
  it('a worksheet that is not UTF-8 (CSV or XLSX) is a 4xx', async () => {
    const csv = Buffer.concat([Buffer.from('recordId,baseVersion,decision,explanation\n'), Buffer.from(`${OWN},0,explain,Nguy`), Buffer.from([0xea, 0xe3, 0xff, 0xfe]), Buffer.from('n\n')]);
    const a = await app.as('health-00001').request('/api/localities/00001/corrections/upload', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(a.status).toBeLessThan(500);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('recordId,baseVersion\n\ud800', 'utf16le')]);
    const b = await app.as('health-00001').request('/api/localities/00001/corrections/upload', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: utf16 });
    expect(b.status).toBeLessThan(500);
    const xlsx = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 0xff)]);
    const c = await app.as('health-00001').request('/api/localities/00001/corrections/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: xlsx });
    expect(c.status).toBe(400);
  });

  it('a malformed session cookie is ignored (401 to the API, not 500)', async () => {
    for (const cookie of ['vv_session=%E0%A4%A', 'vv_session=%', 'vv_session=%ZZ; vv_login=%E0']) {
      const res = await app.as(null).request('/api/me', { headers: { cookie } });
      expect(res.status).toBe(401);
      const login = await app.as(null).request('/auth/callback?code=x&state=y', { headers: { cookie: cookie.replace('vv_session', 'vv_login') } });
      expect(login.status).toBe(400);
    }
  });
});

describe('finding 4: the identity of a state-changing act comes from the token', () => {
  it('a deadline change stores the caller and writes an audit row', async () => {
    const now = new Date();
    await seedDocuments(ctx.db.store, 'Round', [{
      _id: 'verification-00001-1', localityCode: '00001', kind: 'verification', seq: 1, status: 'awaiting_corrections', deadline: new Date(now.getTime() + 72 * 3_600_000),
      totalRecords: 1, processedRecords: 1, counters: { review: 1 }, transitions: [{ from: null, to: 'awaiting_corrections', at: now, cause: 'test' }],
    }]);
    const res = await app.as('coord-001').patch('/api/rounds/verification-00001-1/deadline', { extendByHours: 2, reason: 'flooding in the commune' });
    expect(res.status).toBe(200);
    const round = await ctx.db.models.Round.findById('verification-00001-1').lean();
    expect(round?.deadlineChanges?.at(-1)).toMatchObject({ by: 'coord-001', reason: 'flooding in the commune' });
    expect(await ctx.db.models.AuditEntry.findOne({ action: 'round.deadline' }).lean()).toMatchObject({ sub: 'coord-001', localityCode: '00001' });
    // Another district's coordinator: as if the round did not exist.
    expect((await app.as('coord-002').patch('/api/rounds/verification-00001-1/deadline', { extendByHours: 2, reason: 'not mine' })).status).toBe(404);
  });
});

describe('finding 4: roles bound to localities, service accounts, proxies, sign-in limits, reject files', () => {
  it('two roles in two communes are never the cross product', async () => {
    const who = app.as('mixed-00004-00001');
    // Health officer of 00004 only: 00001's record does not exist for them, its worklist is refused.
    expect((await who.post('/api/corrections', { recordId: OWN, baseVersion: 0, decision: 'explain', explanation: 'x' })).status).toBe(404);
    expect((await who.get('/api/localities/00001/worklist')).status).toBe(403);
    expect((await who.get('/api/localities/00004/worklist')).status).toBe(200);
    // Police of 00001 only.
    expect((await who.get('/api/localities/00001/corrections/sign-off.csv')).status).toBe(200);
    expect((await who.get('/api/localities/00004/corrections/sign-off.csv')).status).toBe(200); // as health officer of 00004
    const upload = (code: string) => who.request(`/api/localities/${code}/corrections/sign-off/upload`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'correctionId,signOff\n' });
    expect((await upload('00004')).status).toBe(403); // police nowhere but 00001
    expect((await upload('00001')).status).toBe(200);
  });

  it('a client-credentials service account holding commune_police holds nothing', async () => {
    const token = await app.oidc.serviceToken('police-00001-script');
    const me = await fetch(`${app.base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(403); // no role left at all
    const c = await fetch(`${app.base}/api/localities/00001/corrections/sign-off/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: 'correctionId,signOff\n' });
    expect(c.status).toBe(403);
  });

  it('sign-in starts are limited per client address, and X-Forwarded-For from a client is not believed', async () => {
    // Limit 5 per minute in fixed windows: 20 calls in well under a minute cross at most one window edge.
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${app.base}/auth/login?returnTo=/dashboard`, { redirect: 'manual', headers: { 'x-forwarded-for': `203.0.113.${i}` } });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 303).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    expect(new Set(statuses)).toEqual(new Set([303, 429]));
    const pending = await ctx.redis.keys(`${ctx.prefix}:auth:login:*`);
    expect(pending.length).toBeLessThanOrEqual(10);
  });

  it('import reject samples are read only from inside UPLOAD_DIR', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'vv-outside-'));
    try {
      const stolen = join(outside, 'secret.csv');
      writeFileSync(`${stolen}.rejects.csv`, 'line,field,reason\n7,fullName,SECRET-OUTSIDE\n');
      const id = randomUUID();
      await app.queues[IMPORT_QUEUE].add(ImportJob.file, { kind: 'doses', uploadId: id, path: stolen, format: 'csv' }, { jobId: importJobId(id) });
      const res = await app.as('admin').get(`/api/imports/${id}`);
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('SECRET-OUTSIDE');
      expect(res.body.rejects.sample).toEqual([]);
      // The same file inside UPLOAD_DIR is shown.
      mkdirSync(uploadDir, { recursive: true });
      const inside = join(uploadDir, `${randomUUID()}.csv`);
      writeFileSync(`${inside}.rejects.csv`, 'line,field,reason\n7,fullName,inside\n');
      const id2 = randomUUID();
      await app.queues[IMPORT_QUEUE].add(ImportJob.file, { kind: 'doses', uploadId: id2, path: inside, format: 'csv' }, { jobId: importJobId(id2) });
      expect((await app.as('admin').get(`/api/imports/${id2}`)).body.rejects.sample).toEqual([{ line: 7, field: 'fullName', reason: 'inside' }]);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
