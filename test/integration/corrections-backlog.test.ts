import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { waitFor } from '../helpers/context.js';
import { startStack, type Stack } from './corrections-setup.js';

/**
 * The backlog of doses never entered: facility reports vs entered records per day, and the gap
 * in the round's completion rule (COMPLETION_COUNTS_BACKLOG=true).
 */
const COMMUNE = '00006';
const ROUND = `verification-${COMMUNE}-1`;
let s: Stack;

const citizens = makeCitizens(COMMUNE, 24);
const doses = makeDoses(citizens, `B${COMMUNE}`).map((d, i) => ({
  ...d, facilityId: i % 2 ? 'TYT-00006' : 'BV-HN-01', vaccinatedAt: i < 12 ? '2021-09-01' : '2021-09-02T09:30:00+07:00',
}));
// One record the matcher cannot place (name mistyped beyond recognition, no ID): the round waits for it.
Object.assign(doses[5]!, { fullName: 'Đinh Công Tráng', idNumber: '' });

beforeAll(async () => {
  s = await startStack('backlog', { COMPLETION_COUNTS_BACKLOG: 'true' }, COMMUNE);
  await s.verifyCommune(citizens, doses, ['awaiting_corrections']);
}, 180_000); // the stack (OIDC provider, API, workers) and a whole verification round, cold, on a shared 2-core machine

afterAll(async () => { await s?.close(); });

describe('dose reports and the backlog', () => {
  it('upserts a report on (facility, day) and validates it', async () => {
    const body = { facilityId: 'BV-HN-01', communeCode: COMMUNE, day: '2021-09-01', administered: 9 };
    expect((await s.post('/api/dose-reports', body)).status).toBe(200);
    expect((await s.post('/api/dose-reports', { ...body, administered: 10 })).body).toMatchObject({ administered: 10 });
    expect(await s.ctx.db.models.DoseReport.countDocuments({})).toBe(1);
    const bad = await s.post('/api/dose-reports', { ...body, day: '01/09/2021', administered: -1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/body\.day/);
    // An unknown commune is a 400 (asked nationally; a commune officer naming another commune gets 403 before that).
    expect((await s.post('/api/dose-reports', { ...body, communeCode: '99999' }, 'admin')).status).toBe(400);
    expect((await s.post('/api/dose-reports', { ...body, communeCode: '00001' })).status).toBe(403);
  });

  it('takes a CSV of reports, rejecting bad lines with their number', async () => {
    const csv = 'facilityId,communeCode,day,administered\r\nTYT-00006,00006,2021-09-01,6\r\nTYT-00006,00006,2021-09-02,6\r\nBV-HN-01,00006,2021-09-02,6\r\nX,00006,2021-13-40,3\r\nY,00006,2021-09-03,many\r\n';
    const res = await s.json('/api/dose-reports/upload', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: csv });
    expect(res.status).toBe(200);
    expect(res.body.saved).toBe(3);
    expect(res.body.rejected).toEqual([{ row: 5, field: 'day', reason: expect.any(String) }, { row: 6, field: 'administered', reason: expect.any(String) }]);
  });

  it('shows reported vs entered per facility and day, the gap and the totals, and feeds the round', async () => {
    const res = await s.json('/api/localities/001/backlog');
    expect(res.status).toBe(200);
    const rows = res.body.items.filter((r: any) => r.communeCode === COMMUNE);
    expect(rows).toEqual([
      { communeCode: COMMUNE, facilityId: 'BV-HN-01', day: '2021-09-01', reported: 10, entered: 6, gap: 4 },
      { communeCode: COMMUNE, facilityId: 'BV-HN-01', day: '2021-09-02', reported: 6, entered: 6, gap: 0 },
      { communeCode: COMMUNE, facilityId: 'TYT-00006', day: '2021-09-01', reported: 6, entered: 6, gap: 0 },
      { communeCode: COMMUNE, facilityId: 'TYT-00006', day: '2021-09-02', reported: 6, entered: 6, gap: 0 },
    ]);
    expect(res.body.communes.find((c: any) => c.communeCode === COMMUNE)).toEqual({ communeCode: COMMUNE, reported: 28, entered: 24, gap: 4 });
    expect(res.body.total).toEqual({ reported: 28, entered: 24, gap: 4 });
    expect((await s.round(ROUND)).expectedRecords).toBe(28);
  });

  it('the gap keeps the round open after its corrections; reporting the true count completes it', async () => {
    const item = (await s.json(`/api/localities/${COMMUNE}/worklist`)).body.items[0];
    expect(item.recordId).toBe(doses[5]!.recordId);
    expect(item.outcome).toBe('not_found');
    const values = { fullName: citizens[5]!.fullName, idNumber: citizens[5]!.personalId };
    const post = await s.post('/api/corrections', { recordId: item.recordId, baseVersion: item.version, decision: 'confirm', values });
    expect(post.status).toBe(201);
    await s.waitRound(post.body.correctionRound, ['completed']);
    const round = await waitFor(async () => {
      const r = await s.round(ROUND);
      return r.transitions.length >= 5 ? r : null;
    }, 30_000, 'the correction round to settle the verification round');
    expect(round.status).toBe('awaiting_corrections');
    expect(round.counters.verified).toBe(24);
    // The facility re-counts: 6 doses, as entered. The gap closes and the round completes.
    expect((await s.post('/api/dose-reports', { facilityId: 'BV-HN-01', communeCode: COMMUNE, day: '2021-09-01', administered: 6 })).status).toBe(200);
    const done = await s.waitRound(ROUND, ['completed'], 15_000);
    expect(done.expectedRecords).toBe(24);
  });
});
