import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { clockPolicy, manualClock, silentLog } from '../helpers/deadlines-harness.js';
import { deadlinesRouter } from '../../src/deadlines/deadlines.router.js';
import { errorHandler } from '../../src/http/errors.js';
import { behindRouteTable } from '../helpers/route-table-app.js';
import { scheduleNewRounds, reconcileRound, type DeadlineDeps } from '../../src/deadlines/index.js';
import { createDeadlinesQueue, deadlineJobId } from '../../queues/deadlines.queue.js';
import { createNotificationsQueue } from '../../queues/notifications.queue.js';
import { runRollup } from '../../src/dashboard/dashboard.service.js';
import { queuedRoundEvents } from '../../src/rounds/round-events.js';
import { ROUNDS_QUEUE, RoundsJob, createRoundsQueue } from '../../queues/rounds.queue.js';
import { createVerificationQueue } from '../../queues/verification.queue.js';
import { roundsProcessor } from '../../workers/rounds.processor.js';
import { waitFor } from '../helpers/context.js';
import { createRound, seedDocuments, seedPlaceAndContacts } from '../helpers/fixtures.js';

let ctx: TestContext;
let server: Server;
let base: string;
let deps: DeadlineDeps;
let roundsQueue: ReturnType<typeof createRoundsQueue>;
const H = 3_600_000;
/** The deadline side's clock: moved by the test, never waited for (no worker runs the timers here). */
const clock = manualClock();

beforeAll(async () => {
  ctx = await createTestContext('deadlines-http');
  await seedPlaceAndContacts(ctx.db.store, 'http://127.0.0.1:9');
  deps = {
    store: ctx.db.store, deadlinesQueue: createDeadlinesQueue(ctx.redis, ctx.prefix), notificationsQueue: createNotificationsQueue(ctx.redis, ctx.prefix),
    policy: clockPolicy({ reminderOffsetsMs: [24 * H, 6 * H] }), log: silentLog, webhookEnabled: true, notify: { attempts: 3, backoffMs: 100 },
    now: clock.now,
  };
  roundsQueue = createRoundsQueue(ctx.redis, ctx.prefix);
  // As src/http/app.ts: a moved deadline tells the round's writer (the `rounds` queue), nothing inline.
  const app = express().use(express.json()).use(behindRouteTable(ctx.db.models))
    .use('/api', deadlinesRouter({ ...deps, events: queuedRoundEvents(roundsQueue) })).use(errorHandler(silentLog));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await deps?.deadlinesQueue.close();
  await deps?.notificationsQueue.close();
  await roundsQueue?.close();
  await ctx?.close();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

describe('deadlines HTTP API', () => {
  it('PATCH /rounds/:id/deadline validates the body and names the problem', async () => {
    await createRound(ctx.db.store, 'verification-00001-1', new Date(clock.now().getTime() + 48 * H));
    const none = await call('PATCH', '/rounds/verification-00001-1/deadline', { reason: 'x' });
    expect(none.body.error.details.problems.map((p: { key: string }) => p.key)).toEqual(['err.deadline.reason', 'err.deadline.oneOf']);
    const past = await call('PATCH', '/rounds/verification-00001-1/deadline', { deadline: '2020-01-01T00:00:00Z', reason: 'typo' });
    expect(past).toMatchObject({ status: 400, body: { error: { code: 'validation_failed' } } });
    expect(past.body.error.message).toMatch(/not in the future/);
    expect((await call('PATCH', '/rounds/verification-99999-1/deadline', { extendByHours: 2, reason: 'flood' })).status).toBe(404);
  });

  it('an extension is whole days ≥ 1; a shortening is its own named act, never in the past; errors carry Vietnamese keys (issue 28)', async () => {
    const id = 'verification-00001-0'; // seq 0: never the commune's current round, which the overview test below reads
    const at = new Date(clock.now().getTime() + 48 * H);
    await createRound(ctx.db.store, id, at);
    const deadlineOf = async () => (await ctx.db.models.Round.findById(id, { deadline: 1 }).lean())!.deadline.getTime();
    // Today's page sent -1 × 24 h and moved the deadline a day earlier; 0 answered "Lỗi: undefined:"; 0.01 day escalated.
    for (const extendByDays of [-1, 0, 0.01, 1.5, 31]) {
      const res = await call('PATCH', `/rounds/${id}/deadline`, { extendByDays, reason: 'xin thêm thời gian' });
      expect(res.status, String(extendByDays)).toBe(400);
      expect(res.body.error.details.problems).toEqual([expect.objectContaining({ field: 'extendDays', key: 'err.deadline.days', params: { v: String(extendByDays), max: 30 } })]);
    }
    expect((await call('PATCH', `/rounds/${id}/deadline`, { extendByHours: -24, reason: 'lùi lại' })).body.error.details.problems[0].key).toBe('err.deadline.hours');
    expect(await deadlineOf()).toBe(at.getTime());

    const ok = await call('PATCH', `/rounds/${id}/deadline`, { extendByDays: 2, reason: 'xin thêm thời gian' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ act: 'extend', deadline: new Date(at.getTime() + 48 * H).toISOString() });

    // Earlier than the current deadline: refused unless named as a shortening, and then audited as one.
    const earlier = new Date(clock.now().getTime() + 24 * H).toISOString();
    const unnamed = await call('PATCH', `/rounds/${id}/deadline`, { deadline: earlier, reason: 'tỉnh yêu cầu' });
    expect(unnamed.body.error.details.problems[0]).toMatchObject({ key: 'err.deadline.shortenUnconfirmed', params: { d: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/) } });
    const later = new Date(clock.now().getTime() + 200 * H).toISOString();
    expect((await call('PATCH', `/rounds/${id}/deadline`, { deadline: later, shorten: true, reason: 'tỉnh yêu cầu' })).body.error.details.problems[0].key).toBe('err.deadline.notShorter');
    const pastShorten = await call('PATCH', `/rounds/${id}/deadline`, { deadline: new Date(clock.now().getTime() - H).toISOString(), shorten: true, reason: 'tỉnh yêu cầu' });
    expect(pastShorten.body.error.details.problems.map((p: { key: string }) => p.key)).toEqual(['err.deadline.past']);
    const shortened = await call('PATCH', `/rounds/${id}/deadline`, { deadline: earlier, shorten: true, reason: 'tỉnh yêu cầu' });
    expect(shortened.status, JSON.stringify(shortened.body)).toBe(200);
    expect(shortened.body).toMatchObject({ act: 'shorten', deadline: earlier });
    const audit = await ctx.db.models.AuditEntry.find({ action: 'round.deadline', 'before.roundId': id }).sort({ at: 1 }).lean();
    expect(audit.map((a) => (a.after as { act: string }).act)).toEqual(['extend', 'shorten']);
  });

  it('PATCH with no worker running re-times no timer; a rounds worker then reconciles the round exactly once', async () => {
    const id = 'verification-00001-1';
    await scheduleNewRounds(deps, [id]);
    const before = (await ctx.db.models.Round.findById(id).lean())!.deadline;
    const timers = async () => ({
      dueAt: (await deps.deadlinesQueue.getJob(deadlineJobId.deadline(id, 'commune')))!.data.dueAt,
      remindFor: (await deps.deadlinesQueue.getJob(deadlineJobId.remind(id, 24 * H)))!.data.deadline,
    });
    const untouched = await timers();
    expect(untouched).toEqual({ dueAt: before.toISOString(), remindFor: before.toISOString() });
    // Two moves (a double click, then one more day): each is the act, none touches the timers.
    for (const extendByHours of [24, 24]) {
      const res = await call('PATCH', `/rounds/${id}/deadline`, { extendByHours, reason: 'province request 12/2026' });
      expect(res.status).toBe(200);
    }
    const after = new Date(before.getTime() + 48 * H);
    expect((await ctx.db.models.Round.findById(id).lean())!.deadline.toISOString()).toBe(after.toISOString());
    expect(await timers()).toEqual(untouched);
    const reconcilesOf = async (states: ('waiting' | 'completed')[]) =>
      (await roundsQueue.getJobs(states)).filter((j) => j.name === RoundsJob.reconcile && j.data.roundId === id);
    // Deduplicated by round: one reconcile-round waits for the writer.
    expect(await reconcilesOf(['waiting'])).toHaveLength(1);

    // The rounds worker as workers/processors.ts builds it (its verification queue only for reconcile-rounds, not run here).
    const verificationQueue = createVerificationQueue(ctx.redis, ctx.prefix);
    const worker = new Worker(ROUNDS_QUEUE, roundsProcessor({
      store: ctx.db.store, deadlines: deps, events: queuedRoundEvents(roundsQueue), log: silentLog,
      replan: { store: ctx.db.store, verificationQueue, flowQueues: [verificationQueue], stalledAfterMs: H },
    }), { connection: ctx.redis, prefix: ctx.prefix });
    try {
      await waitFor(async () => (await roundsQueue.count()) === 0 && (await reconcilesOf(['completed'])).length > 0, 20_000, 'the reconcile-round of the moved deadline');
    } finally {
      await worker.close();
      await verificationQueue.close();
    }
    expect(await reconcilesOf(['completed'])).toHaveLength(1);
    expect(await timers()).toEqual({ dueAt: after.toISOString(), remindFor: after.toISOString() });
  });

  it('lists, filters and acknowledges escalations', async () => {
    const id = 'verification-00001-2';
    await createRound(ctx.db.store, id, new Date(clock.now().getTime() - 1000));
    await reconcileRound(deps, id);
    const list = await call('GET', `/escalations?roundId=${id}&open=true`);
    expect(list.body.items.map((e: { level: string }) => e.level)).toEqual(['commune']);
    // Issue 28: the late locality by name and the people it went to, not a bare code; a district's area too.
    expect(list.body.items[0]).toMatchObject({ localityName: 'Phường Phúc Xá', targetCode: '00001', sentTo: [{ name: 'Chair commune', role: 'chairperson' }] });
    expect((await call('GET', `/escalations?locality=001&roundId=${id}`)).body.items).toHaveLength(1);
    expect((await call('GET', `/escalations?locality=002&roundId=${id}`)).body.items).toHaveLength(0);
    expect((await call('GET', `/escalations?province=01&roundId=${id}`)).body.items).toHaveLength(1);
    expect((await call('GET', '/escalations?level=mayor')).status).toBe(400);
    const escId = list.body.items[0]._id;
    const ack = await call('POST', `/escalations/${escId}/ack`, { by: 'commune-00001-chairperson', note: 'team sent' });
    // Who acknowledged is the caller's token identity, never the body's `by` (kept as the office, in the audit row).
    expect(ack.body).toMatchObject({ acknowledgedBy: 'test-admin', ackNote: 'team sent' });
    expect(await ctx.db.models.AuditEntry.findOne({ action: 'escalation.ack' }).lean()).toMatchObject({ sub: 'test-admin', after: { escalationId: escId, office: 'commune-00001-chairperson' } });
    const again = await call('POST', `/escalations/${escId}/ack`, { by: 'someone-else' });
    expect(again.body.acknowledgedBy).toBe('test-admin');
    expect((await call('POST', '/escalations/nope/ack', { by: 'x' })).status).toBe(400); // not an id: names params.id
    expect((await call('POST', '/escalations/0123456789abcdef01234567/ack', { by: 'x' })).status).toBe(404);
  });

  it('a locality\'s contacts are edited and imported from its page, only its own, audited (issue 28)', async () => {
    const put = await call('PUT', '/localities/01/contacts', { contacts: [{ localityCode: '01', level: 'province', role: 'working-group-head', name: 'Trần Văn Bình', title: 'Tổ trưởng Tổ công tác Đề án 06 thành phố Hà Nội', phone: '0900 000 123' }] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await call('PUT', '/localities/01/contacts', { contacts: [{ localityCode: '001', level: 'district', role: 'chairperson', name: 'X' }] })).status).toBe(400);
    const imported = await call('POST', '/localities/01/contacts/import', {
      csv: 'Mã địa phương,Cấp,Vai trò,Họ và tên,Chức vụ,Số điện thoại\n01,tỉnh,Chủ tịch UBND,Lê Thị Hà,Chủ tịch UBND thành phố Hà Nội,0900 000 124\n001,huyện,Chủ tịch UBND,Not here,,\n01,tỉnh,,No role,,\n',
    });
    expect(imported.body).toMatchObject({ inserted: 0, updated: 1, outside: 1, rejects: [{ line: 4 }] });
    const list = await call('GET', '/localities/01/contacts');
    expect(list.body.items.map((c: { role: string; name: string; phone: string }) => [c.role, c.name, c.phone])).toEqual([
      ['chairperson', 'Lê Thị Hà', '0900 000 124'], ['working-group-head', 'Trần Văn Bình', '0900 000 123'],
    ]);
    const audit = await ctx.db.models.AuditEntry.find({ action: 'contacts.put', localityCode: '01' }).sort({ at: 1 }).lean();
    expect(audit).toHaveLength(2);
    expect(audit[1]!.before).toEqual(expect.arrayContaining([expect.objectContaining({ role: 'chairperson', name: 'Chair province' })]));
    expect(audit[1]!.after).toEqual([expect.objectContaining({ role: 'chairperson', name: 'Lê Thị Hà' })]);
  });

  it('gives the campaign overview per province and district with the national deadline', async () => {
    await call('PUT', '/campaign', { nationalDeadline: new Date(clock.now().getTime() + 10 * 24 * H - 1000).toISOString() });
    await createRound(ctx.db.store, 'verification-00001-3', new Date(clock.now().getTime() + 2 * H)); // 88 % done: on time
    const r = await call('PUT', '/contacts', { contacts: [] });
    expect(r.status).toBe(400);
    await seedDocuments(ctx.db.store, 'Round', [{
      _id: 'verification-00001-4', localityCode: '00001', kind: 'verification', seq: 4, status: 'awaiting_corrections',
      deadline: new Date(clock.now().getTime() + 2 * H), totalRecords: 10, processedRecords: 10, counters: { verified: 2, review: 8 },
    }]);
    // The overview reads the dashboard's rollup (no scan of the rounds): per commune, its current round.
    const empty = (await call('GET', '/campaign/overview')).body;
    expect(empty.totals).toEqual({ on_time: 0, at_risk: 0, overdue: 0, completed: 0 });
    await runRollup(ctx.db.store, deps.policy, clock.now());
    const o = (await call('GET', '/campaign/overview')).body;
    expect(o.national.daysLeft).toBe(10);
    // Commune 00001's current round is seq 4: 2 of 10 verified, 2 h left → at risk.
    expect(o.totals).toEqual({ on_time: 0, at_risk: 1, overdue: 0, completed: 0 });
    expect(o.provinces).toEqual([{
      code: '01', name: 'Thành phố Hà Nội', on_time: 0, at_risk: 1, overdue: 0, completed: 0,
      districts: [{ code: '001', name: 'Quận Ba Đình', on_time: 0, at_risk: 1, overdue: 0, completed: 0 }],
    }]);
  });

  it('PUT /contacts upserts on (localityCode, level, role) and rejects mismatched codes', async () => {
    const c = { localityCode: '001', level: 'district', role: 'focal-point', name: 'Focal point', webhookUrl: 'https://example.org/hook', email: null };
    expect((await call('PUT', '/contacts', { contacts: [c] })).body).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    expect((await call('PUT', '/contacts', { contacts: [{ ...c, name: 'Renamed' }] })).body).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    const bad = await call('PUT', '/contacts', { contacts: [{ ...c, level: 'province' }, { ...c, webhookUrl: 'ftp://x' }] });
    expect(bad.body.error.message).toMatch(/contacts.0.localityCode: 001 is not a province code; body.contacts.1.webhookUrl: an http\(s\) URL/);
    const list = await call('GET', '/contacts?localityCode=001');
    expect(list.body.items.map((x: { role: string }) => x.role)).toEqual(['chairperson', 'focal-point']);
  });
});
