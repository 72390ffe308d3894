import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUNDS_QUEUE, RoundsJob } from '../../queues/rounds.queue.js';
import { createLogger } from '../../src/lib/logger.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { startAppWithAuth, type AppWithAuth } from '../helpers/app-with-auth.js';
import { OTHER_PROVINCE_COMMUNE, seedDocuments, seedLocalities, seedOtherProvince } from '../helpers/fixtures.js';

/**
 * POST /api/records/:recordId/transfer (issue 29: a record changes commune only by an explicit,
 * audited transfer). Real auth, Redis and store: who may move a record, the stale version and the
 * open correction refused with nothing changed, the audit row, the old commune's officer losing
 * the record and the new one's getting it, and both communes' rounds handed to the settle job.
 */
let ctx: TestContext;
let app: AppWithAuth;
const MOVE = 'TR-00001-1';
const HELD = 'TR-00001-2'; // claimed by a correction awaiting the police
const AWAY = 'TR-00001-3';
const ROUND_1 = 'verification-00001-1';
const ROUND_4 = 'verification-00004-1';

beforeAll(async () => {
  ctx = await createTestContext('transfer');
  const store = ctx.db.store;
  await seedLocalities(store);
  await seedOtherProvince(store);
  const now = new Date();
  for (const [round, commune] of [[ROUND_1, '00001'], [ROUND_4, '00004']]) {
    await seedDocuments(store, 'Round', [{
      _id: round, localityCode: commune, kind: 'verification', seq: 1, status: 'awaiting_corrections', deadline: new Date(now.getTime() + 72 * 3_600_000),
      totalRecords: 1, processedRecords: 1, counters: { review: 1 }, transitions: [{ from: null, to: 'awaiting_corrections', at: now, cause: 'test seed' }],
    }]);
  }
  await seedDocuments(store, 'DoseRecord', [
    { recordId: MOVE, communeCode: '00001', fullName: 'Phạm Văn Chuyển', dateOfBirth: '1970-05-06', gender: 'male', idNumber: '001070000101', nationality: 'VN', version: 0, importVersion: 0 },
    { recordId: HELD, communeCode: '00001', fullName: 'Lê Thị Giữ', dateOfBirth: '1971-05-06', gender: 'female', idNumber: '001171000102', nationality: 'VN', version: 0, openCorrection: 'c-awaiting' },
    { recordId: AWAY, communeCode: '00001', fullName: 'Vũ Văn Xa', dateOfBirth: '1972-05-06', gender: 'male', idNumber: '001072000103', nationality: 'VN', version: 0 },
  ]);
  // MOVE is on 00001's worklist (its state and result from 00001's round).
  await seedDocuments(store, 'VerificationResult', [{ _id: `${ROUND_1}/${MOVE}`, roundId: ROUND_1, recordId: MOVE, localityCode: '00001', outcome: 'review', score: 0.5, candidates: [], corrections: {} }]);
  await seedDocuments(store, 'RecordState', [{ _id: MOVE, communeCode: '00001', roundId: ROUND_1, plannedAt: now, outcome: 'review', resultAt: now }]);
  app = await startAppWithAuth(ctx, { env: { RATE_LIMIT_PER_MIN: '100000' }, log: createLogger({ level: 'silent' }) });
}, 120_000);

afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

const transfer = (who: string, recordId: string, body: Record<string, unknown>) =>
  app.as(who).post(`/api/records/${recordId}/transfer`, { reason: 'chuyển nơi cư trú', ...body });
const record = (id: string) => ctx.db.models.DoseRecord.findById(id).lean<any>();
const audits = () => ctx.db.models.AuditEntry.find({ action: 'record.transfer' }).lean<any[]>();
const worklistIds = async (who: string, commune: string) => ((await app.as(who).get(`/api/localities/${commune}/worklist`)).body.items as { recordId: string }[]).map((i) => i.recordId);
const settleJobs = async () => (await app.queues[ROUNDS_QUEUE].getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed']))
  .filter((j) => j.name === RoundsJob.settle).map((j) => (j.data as { roundId: string }).roundId);

describe('POST /api/records/:recordId/transfer', () => {
  it('refuses the roles that may not move a record, and coordinators whose area lacks either commune; nothing changes', async () => {
    for (const who of ['ministry', 'operator', 'checker', 'health-00001', 'police-00001', 'health-00004']) {
      expect((await transfer(who, MOVE, { communeCode: '00004', version: 0 })).status, who).toBe(403);
    }
    // The source outside the area: the record answers as a missing one.
    for (const who of ['coord-002', 'prov-79']) expect((await transfer(who, MOVE, { communeCode: '00004', version: 0 })).status, who).toBe(404);
    // The destination outside the area (another province), or no such commune.
    const out = await transfer('coord-001', MOVE, { communeCode: OTHER_PROVINCE_COMMUNE, version: 0 });
    expect(out.status).toBe(403);
    expect(out.body.error.message).toContain(OTHER_PROVINCE_COMMUNE);
    expect((await transfer('prov-01', MOVE, { communeCode: '99999', version: 0 })).status).toBe(403);
    expect((await transfer('admin', MOVE, { communeCode: '99999', version: 0 })).status).toBe(400);
    expect((await transfer('admin', MOVE, { communeCode: '00001', version: 0 })).status).toBe(400); // already there
    expect((await transfer('admin', MOVE, { communeCode: '00004', version: 0, reason: '' })).status).toBe(400); // no reason
    expect(await record(MOVE)).toMatchObject({ communeCode: '00001', version: 0 });
    expect(await audits()).toEqual([]);
  });

  it('answers 409 on a stale version and on a correction awaiting the police, and changes nothing', async () => {
    const stale = await transfer('coord-001', MOVE, { communeCode: '00004', version: 3 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.details).toMatchObject({ baseVersion: 3, currentVersion: 0 });
    const held = await transfer('coord-001', HELD, { communeCode: '00004', version: 0 });
    expect(held.status).toBe(409);
    expect(held.body.error.details).toMatchObject({ reason: 'open_correction' });
    expect(held.body.error.message).toMatch(/^hồ sơ .* công an/); // Vietnamese first
    expect(await record(MOVE)).toMatchObject({ communeCode: '00001', version: 0 });
    expect(await record(HELD)).toMatchObject({ communeCode: '00001', version: 0, openCorrection: 'c-awaiting' });
    expect(await audits()).toEqual([]);
    expect(await settleJobs()).toEqual([]);
  });

  it("a district coordinator moves a record between two communes of the district: audited, the old commune's officer loses it, the new one's gets it, both rounds settle by job", async () => {
    // Before: 00001's officer sees it, 00004's does not.
    expect(await worklistIds('health-00001', '00001')).toContain(MOVE);
    expect((await app.as('health-00004').get(`/api/records/${MOVE}/history`)).status).toBe(404);

    const res = await transfer('coord-001', MOVE, { communeCode: '00004', version: 0 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ recordId: MOVE, from: '00001', to: '00004', version: 1 });
    const after = await record(MOVE);
    expect(after).toMatchObject({ communeCode: '00004', version: 1, importVersion: 1, fullName: 'Phạm Văn Chuyển' });
    expect(after.transfers).toEqual([expect.objectContaining({ from: '00001', to: '00004', sub: 'coord-001', reason: 'chuyển nơi cư trú', version: 1 })]);
    expect(await ctx.db.models.RecordState.findById(MOVE).lean<any>()).toMatchObject({ communeCode: '00004' });

    const [audit] = await audits();
    expect(audit).toMatchObject({
      sub: 'coord-001', roles: ['district_coordinator'], localityCode: '00001',
      before: { recordId: MOVE, communeCode: '00001', version: 0 },
      after: { recordId: MOVE, communeCode: '00004', version: 1, reason: 'chuyển nơi cư trú' },
    });

    // The old commune's officer can no longer see it; the new one's can.
    expect((await app.as('health-00001').get(`/api/records/${MOVE}/history`)).status).toBe(404);
    expect(await worklistIds('health-00001', '00001')).not.toContain(MOVE);
    const mine = await app.as('health-00004').get(`/api/records/${MOVE}/history`);
    expect(mine.status).toBe(200);
    expect(mine.body.communeCode).toBe('00004');

    // Counters are the rounds' writer's: a settle job per commune's round, nothing written inline.
    expect((await settleJobs()).sort()).toEqual([ROUND_1, ROUND_4]);
    expect(await ctx.db.models.Round.findById(ROUND_1).lean<any>()).toMatchObject({ counters: { review: 1 }, processedRecords: 1 });

    // The same request again: the record is no longer in the commune it was moved from.
    expect((await transfer('prov-01', MOVE, { communeCode: '00006', version: 0 })).status).toBe(409);
    expect(await record(MOVE)).toMatchObject({ communeCode: '00004', version: 1 });
  });

  it('the campaign admin may move a record to another province; a coordinator of only one of them may not', async () => {
    expect((await transfer('prov-01', AWAY, { communeCode: OTHER_PROVINCE_COMMUNE, version: 0 })).status).toBe(403);
    const res = await transfer('admin', AWAY, { communeCode: OTHER_PROVINCE_COMMUNE, version: 0 });
    expect(res.status).toBe(200);
    expect(await record(AWAY)).toMatchObject({ communeCode: OTHER_PROVINCE_COMMUNE, version: 1 });
    expect((await transfer('prov-01', AWAY, { communeCode: '00001', version: 1 })).status).toBe(404); // now outside their area
    expect((await audits()).map((a) => a.sub)).toEqual(['coord-001', 'admin']);
  });
});
