import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { clockPolicy, manualClock, startDeadlineWorkers, startReceiver } from '../helpers/deadlines-harness.js';
import { applyRoundTransition } from '../../src/db/repositories/round-lifecycle.repository.js';
import { changeRoundDeadline, reconcileRound, scheduleNewRounds, sweepDeadlines, type DeadlineChange } from '../../src/deadlines/index.js';
import { deadlineJobId } from '../../queues/deadlines.queue.js';
import { alterDocuments, createRound, seedDocuments, seedPlaceAndContacts } from '../helpers/fixtures.js';

let ctx: TestContext;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let workers: Awaited<ReturnType<typeof startDeadlineWorkers>>;
const HOUR = 3_600_000;
const policy = clockPolicy();
// The deadline code reads this clock; the tests move it and fire the timers themselves.
const clock = manualClock();

beforeAll(async () => {
  ctx = await createTestContext('deadlines');
  receiver = await startReceiver();
  await seedPlaceAndContacts(ctx.db.store, receiver.url);
  // No sweeper here: these tests prove the delayed jobs alone drive the chain.
  workers = await startDeadlineWorkers(ctx, policy, clock);
});
afterAll(async () => {
  await workers?.close();
  await receiver?.close();
  await ctx?.close();
});

const deliveriesOf = (roundId: string) => receiver.deliveries.filter((d) => d.body.roundId === roundId);
const inHours = (h: number) => new Date(clock.now().getTime() + h * HOUR);
/** Every notification queued so far was delivered (or gave up). */
/**
 * A deadline move, then the reconcile-round it enqueues, run as the `rounds` worker runs it (the
 * queue path itself is tested in deadlines-http.test.ts).
 */
async function moveDeadline(id: string, change: DeadlineChange) {
  const told: string[] = [];
  await changeRoundDeadline({ ...workers.deps, events: { deadlineChanged: async (r) => { told.push(r); } } }, id, change);
  expect(told).toEqual([id]);
  await reconcileRound(workers.deps, id);
}
const settled = () => waitFor(async () => (await ctx.db.models.Notification.countDocuments({ status: 'pending' })) === 0, 10_000, 'no pending notification');

describe('deadline chain on a manual clock', () => {
  it('reminds, then escalates commune → district → province → ministry, each exactly once', async () => {
    const id = 'verification-00001-1';
    await createRound(ctx.db.store, id, inHours(3));
    await scheduleNewRounds(workers.deps, [id]);

    // Each timer fires on its own due time; the one it schedules next is the next step of the chain.
    const steps = [
      deadlineJobId.remind(id, 2 * HOUR), deadlineJobId.remind(id, HOUR),
      ...(['commune', 'district', 'province', 'ministry'] as const).map((l) => deadlineJobId.deadline(id, l)),
    ];
    for (const [i, jobId] of steps.entries()) {
      await workers.fireTimer(jobId);
      // Wait for the delivery before the next step, so the order of deliveries is the order of events.
      await waitFor(() => deliveriesOf(id).length === i + 1, 10_000, `delivery ${i + 1}`);
    }
    expect(await ctx.db.models.Escalation.countDocuments({ roundId: id })).toBe(4);
    const got = deliveriesOf(id);
    expect(got.every((d) => d.signed)).toBe(true);
    expect(got.map((d) => `${d.body.type}:${d.body.level ?? d.body.offsetMs}`)).toEqual([
      `reminder:${2 * HOUR}`, `reminder:${HOUR}`, 'escalation:commune', 'escalation:district', 'escalation:province', 'escalation:ministry',
    ]);
    expect(got.map((d) => d.path)).toEqual(['/hook/commune', '/hook/commune', '/hook/commune', '/hook/district', '/hook/province', '/hook/ministry']);
    expect(new Set(got.map((d) => d.key)).size).toBe(6);

    const esc = await ctx.db.models.Escalation.find({ roundId: id }).sort({ escalatedAt: 1 }).lean();
    expect(esc.map((e) => e.level)).toEqual(['commune', 'district', 'province', 'ministry']);
    expect(esc.map((e) => e.targetCode)).toEqual(['00001', '001', '01', 'VN']);
    for (let i = 1; i < esc.length; i++) expect(esc[i]!.escalatedAt.getTime()).toBe(esc[i - 1]!.deadline.getTime());
    const text = String(got[3]!.body.text);
    expect(text).toContain('Phường Phúc Xá (00001)');
    expect(text).toContain('12 unresolved records (7 to review, 5 not found in the registry)');

    const round = await ctx.db.models.Round.findById(id).lean();
    expect(round!.status).toBe('overdue');
    expect(round!.transitions.map((t) => t.to)).toEqual(['awaiting_corrections', 'overdue']);
    // Nothing left to time once the ministry is escalated.
    expect(await workers.deadlinesQueue.getDelayedCount()).toBe(0);
  });

  it('stops escalating and closes escalations when the round completes', async () => {
    const id = 'verification-00001-2';
    await createRound(ctx.db.store, id, inHours(3));
    await scheduleNewRounds(workers.deps, [id]);
    await workers.fireTimer(deadlineJobId.deadline(id, 'commune'));
    expect(await workers.deadlinesQueue.getJob(deadlineJobId.deadline(id, 'district'))).toBeTruthy();

    await applyRoundTransition(ctx.db.store, id, 'all_resolved', { cause: 'test: corrected', now: clock.now() });
    await reconcileRound(workers.deps, id);

    expect(await ctx.db.models.Escalation.find({ roundId: id, closedAt: null }).lean()).toEqual([]);
    // Past the next level's due time, even a sweep escalates nothing more.
    const commune = (await ctx.db.models.Escalation.findOne({ roundId: id, level: 'commune' }).lean())!;
    clock.set(new Date(commune.deadline.getTime() + 1));
    await sweepDeadlines(workers.deps);
    const all = await ctx.db.models.Escalation.find({ roundId: id }).lean();
    expect(all.map((e) => [e.level, e.closeReason])).toEqual([['commune', 'round completed']]);
    for (const level of ['commune', 'district', 'province', 'ministry']) {
      expect(await workers.deadlinesQueue.getJob(deadlineJobId.deadline(id, level))).toBeUndefined();
    }
  });

  it('extending the deadline re-times the pending timers; shortening brings them forward', async () => {
    const id = 'verification-00001-3';
    const first = inHours(24);
    await createRound(ctx.db.store, id, first);
    await scheduleNewRounds(workers.deps, [id]);
    const check = () => workers.deadlinesQueue.getJob(deadlineJobId.deadline(id, 'commune'));
    expect((await check())!.data).toMatchObject({ dueAt: first.toISOString() });

    const later = new Date(first.getTime() + HOUR);
    await moveDeadline(id, { deadline: later, reason: 'coordinator: flood' });
    const job = (await check())!;
    expect(job.data).toMatchObject({ dueAt: later.toISOString() });
    expect(job.delay).toBe(later.getTime() - clock.now().getTime());
    expect((await workers.deadlinesQueue.getJob(deadlineJobId.remind(id, 2 * HOUR)))!.data).toMatchObject({ deadline: later.toISOString() });

    // Shorten to half an hour from now: the escalation is then due in 30 minutes, not in a day.
    const soon = inHours(0.5);
    await moveDeadline(id, { deadline: soon, shorten: true, reason: 'coordinator: national date' });
    const moved = (await check())!;
    expect(moved.data).toMatchObject({ dueAt: soon.toISOString() });
    expect(moved.delay).toBe(HOUR / 2);
    await workers.fireTimer(deadlineJobId.deadline(id, 'commune'));
    const esc = (await ctx.db.models.Escalation.findOne({ roundId: id, level: 'commune' }).lean())!;
    expect(esc.escalatedAt.toISOString()).toBe(soon.toISOString());
    expect(esc.overdueSince.toISOString()).toBe(soon.toISOString());
    const round = await ctx.db.models.Round.findById(id).lean();
    expect(round!.deadlineChanges.map((c) => c.reason)).toEqual(['coordinator: flood', 'coordinator: national date']);
    await applyRoundTransition(ctx.db.store, id, 'all_resolved', { now: clock.now() });
    await reconcileRound(workers.deps, id);
  });

  it('an overdue round given a new deadline is awaiting corrections again, and no level repeats', async () => {
    const id = 'verification-00001-4';
    const { Round, Escalation } = ctx.db.models;
    // An overdue round whose commune level runs half an hour more, set up directly.
    await createRound(ctx.db.store, id, inHours(-0.1));
    await alterDocuments(ctx.db.store, 'Round', { _id: id }, { status: 'overdue' });
    await seedDocuments(ctx.db.store, 'Escalation', [{
      roundId: id, level: 'commune', localityCode: '00001', targetCode: '00001', escalatedAt: clock.now(),
      deadline: inHours(0.5), overdueSince: inHours(-0.1), notifiedAt: clock.now(),
    }]);
    const extended = inHours(3);
    await moveDeadline(id, { deadline: extended, reason: 'extension' });
    expect((await Round.findById(id).lean())!.status).toBe('awaiting_corrections');
    // The chain resumes at the district, at the new deadline rather than the commune level's.
    expect((await workers.deadlinesQueue.getJob(deadlineJobId.deadline(id, 'district')))!.data).toMatchObject({ dueAt: extended.toISOString() });
    await workers.fireTimer(deadlineJobId.deadline(id, 'district'));
    const district = (await Escalation.findOne({ roundId: id, level: 'district' }).lean())!;
    expect(district.escalatedAt.toISOString()).toBe(extended.toISOString());
    expect(await Escalation.countDocuments({ roundId: id, level: 'commune' })).toBe(1);
    await applyRoundTransition(ctx.db.store, id, 'all_resolved', { now: clock.now() });
    await reconcileRound(workers.deps, id);
  });

  it('retries a failing webhook with backoff without touching the escalation record', async () => {
    const id = 'verification-00001-5';
    await createRound(ctx.db.store, id, inHours(3));
    await scheduleNewRounds(workers.deps, [id]);
    // Earlier tests' deliveries must not take the two failures.
    await settled();
    receiver.failNext(2);
    await workers.fireTimer(deadlineJobId.deadline(id, 'commune'));
    const esc = (await ctx.db.models.Escalation.findOne({ roundId: id, level: 'commune' }).lean())!;
    const sent = await waitFor(
      () => ctx.db.models.Notification.findOne({ event: `esc__${id}__commune`, status: 'sent' }).lean(), 10_000, 'delivery after retries',
    );
    // Two 503s, then the delivery: three attempts.
    expect(sent.attempts).toBe(3);
    expect(deliveriesOf(id).filter((d) => d.body.level === 'commune')).toHaveLength(1);
    expect((await ctx.db.models.Escalation.findById(esc._id).lean())).toEqual(esc);
    await applyRoundTransition(ctx.db.store, id, 'all_resolved', { now: clock.now() });
    await reconcileRound(workers.deps, id);
  });
});
