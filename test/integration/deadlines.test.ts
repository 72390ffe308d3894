import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import {
  createRound, msPolicy, seedPlaceAndContacts, startDeadlineWorkers, startReceiver,
} from '../helpers/deadlines-harness.js';
import { applyRoundTransition } from '../../src/db/repositories/round-lifecycle.repository.js';
import { changeRoundDeadline, deadlineHooks, sweepDeadlines } from '../../src/deadlines/index.js';
import { deadlineJobId } from '../../queues/deadlines.queue.js';

let ctx: TestContext;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let workers: Awaited<ReturnType<typeof startDeadlineWorkers>>;
const policy = msPolicy();

beforeAll(async () => {
  ctx = await createTestContext('deadlines');
  receiver = await startReceiver();
  await seedPlaceAndContacts(ctx.db.models, receiver.url);
  // No sweeper here: these tests prove the delayed jobs alone drive the chain.
  workers = await startDeadlineWorkers(ctx, policy);
});
afterAll(async () => {
  await workers?.close();
  await receiver?.close();
  await ctx?.close();
});

const hooksOf = () => deadlineHooks(workers.deps);
const deliveriesOf = (roundId: string) => receiver.deliveries.filter((d) => d.body.roundId === roundId);

describe('deadline chain with millisecond deadlines', () => {
  it('reminds, then escalates commune → district → province → ministry, each exactly once', async () => {
    const id = 'verification-00001-1';
    await createRound(ctx.db.models, id, new Date(Date.now() + 2500));
    await hooksOf().onRoundsCreated([id]);

    await waitFor(async () => (await ctx.db.models.Escalation.countDocuments({ roundId: id })) === 4, 20_000, '4 escalations');
    await waitFor(() => deliveriesOf(id).length === 6, 15_000, '6 webhook deliveries');
    const got = deliveriesOf(id);
    expect(got.every((d) => d.signed)).toBe(true);
    expect(got.map((d) => `${d.body.type}:${d.body.level ?? d.body.offsetMs}`)).toEqual([
      'reminder:1600', 'reminder:800', 'escalation:commune', 'escalation:district', 'escalation:province', 'escalation:ministry',
    ]);
    expect(got.map((d) => d.path)).toEqual(['/hook/commune', '/hook/commune', '/hook/commune', '/hook/district', '/hook/province', '/hook/ministry']);
    expect(new Set(got.map((d) => d.key)).size).toBe(6);

    const esc = await ctx.db.models.Escalation.find({ roundId: id }).sort({ escalatedAt: 1 }).lean();
    expect(esc.map((e) => e.level)).toEqual(['commune', 'district', 'province', 'ministry']);
    expect(esc.map((e) => e.targetCode)).toEqual(['00001', '001', '01', 'VN']);
    for (let i = 1; i < esc.length; i++) expect(esc[i]!.escalatedAt.getTime()).toBeGreaterThanOrEqual(esc[i - 1]!.deadline.getTime());
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
    await createRound(ctx.db.models, id, new Date(Date.now() + 150));
    await hooksOf().onRoundsCreated([id]);
    await waitFor(() => ctx.db.models.Escalation.findOne({ roundId: id, level: 'commune' }).lean(), 10_000, 'commune escalation');

    await applyRoundTransition(ctx.db.models.Round, id, 'all_resolved', { cause: 'test: corrected' });
    const completedAt = new Date();
    await hooksOf().onRoundFinished(id, 'completed');

    expect(await ctx.db.models.Escalation.find({ roundId: id, closedAt: null }).lean()).toEqual([]);
    // Past the next level's due time (from the last escalation), even a sweep escalates nothing more.
    const last = (await ctx.db.models.Escalation.find({ roundId: id }).sort({ escalatedAt: -1 }).limit(1).lean())[0]!;
    await waitFor(() => Date.now() > last.deadline.getTime() + 100, 5000, 'next level due time');
    await sweepDeadlines(workers.deps);
    const all = await ctx.db.models.Escalation.find({ roundId: id }).lean();
    // On a loaded machine the district may have been due before completion; nothing after it.
    expect(all.every((e) => e.escalatedAt <= completedAt && e.closeReason === 'round completed')).toBe(true);
    await waitFor(async () => {
      const job = await workers.deadlinesQueue.getJob(deadlineJobId.deadline(id, 'province'));
      return !job || (await job.getState()) === 'completed';
    }, 5000, 'no timer left');
  });

  it('extending the deadline re-times the pending timers; shortening brings them forward', async () => {
    const id = 'verification-00001-3';
    const first = new Date(Date.now() + 60_000);
    await createRound(ctx.db.models, id, first);
    await hooksOf().onRoundsCreated([id]);
    const check = () => workers.deadlinesQueue.getJob(deadlineJobId.deadline(id, 'commune'));
    expect((await check())!.data).toMatchObject({ dueAt: first.toISOString() });

    const later = new Date(first.getTime() + 3_600_000);
    await changeRoundDeadline(workers.deps, id, { deadline: later, reason: 'coordinator: flood' });
    const job = (await check())!;
    expect(job.data).toMatchObject({ dueAt: later.toISOString() });
    expect(job.timestamp + job.delay).toBeGreaterThanOrEqual(later.getTime() - 50);
    expect((await workers.deadlinesQueue.getJob(deadlineJobId.remind(id, 1600)))!.data).toMatchObject({ deadline: later.toISOString() });

    // Shorten to 500 ms from now: the escalation now happens within a second, not in an hour.
    const soon = new Date(Date.now() + 500);
    await changeRoundDeadline(workers.deps, id, { deadline: soon, reason: 'coordinator: national date' });
    const esc = await waitFor(() => ctx.db.models.Escalation.findOne({ roundId: id, level: 'commune' }).lean(), 10_000, 'commune escalation');
    expect(esc.escalatedAt.getTime()).toBeGreaterThanOrEqual(soon.getTime());
    expect(esc.overdueSince.toISOString()).toBe(soon.toISOString());
    const round = await ctx.db.models.Round.findById(id).lean();
    expect(round!.deadlineChanges.map((c) => c.reason)).toEqual(['coordinator: flood', 'coordinator: national date']);
    await applyRoundTransition(ctx.db.models.Round, id, 'all_resolved');
    await hooksOf().onRoundFinished(id);
  });

  it('an overdue round given a new deadline is awaiting corrections again, and no level repeats', async () => {
    const id = 'verification-00001-4';
    const { Round, Escalation } = ctx.db.models;
    // An overdue round whose commune level runs 1.5 s more, set up directly (no race with timers).
    await createRound(ctx.db.models, id, new Date(Date.now() - 100));
    await Round.updateOne({ _id: id }, { $set: { status: 'overdue' } });
    await Escalation.create({
      roundId: id, level: 'commune', localityCode: '00001', targetCode: '00001', escalatedAt: new Date(),
      deadline: new Date(Date.now() + 1500), overdueSince: new Date(Date.now() - 100), notifiedAt: new Date(),
    });
    const extended = new Date(Date.now() + 2500);
    await changeRoundDeadline(workers.deps, id, { deadline: extended, reason: 'extension' });
    expect((await Round.findById(id).lean())!.status).toBe('awaiting_corrections');
    // The chain resumes at the district, at the new deadline rather than the commune level's.
    const district = await waitFor(() => Escalation.findOne({ roundId: id, level: 'district' }).lean(), 10_000, 'district escalation');
    expect(district.escalatedAt.getTime()).toBeGreaterThanOrEqual(extended.getTime());
    expect(await Escalation.countDocuments({ roundId: id, level: 'commune' })).toBe(1);
    await applyRoundTransition(Round, id, 'all_resolved');
    await hooksOf().onRoundFinished(id);
  });

  it('retries a failing webhook with backoff without touching the escalation record', async () => {
    const id = 'verification-00001-5';
    receiver.failNext(2);
    await createRound(ctx.db.models, id, new Date(Date.now() + 50));
    await hooksOf().onRoundsCreated([id]);
    await waitFor(() => ctx.db.models.Escalation.findOne({ roundId: id, level: 'commune' }).lean(), 10_000, 'commune escalation');
    const sent = await waitFor(
      () => ctx.db.models.Notification.findOne({ event: `esc__${id}__commune`, status: 'sent' }).lean(), 10_000, 'delivery after retries',
    );
    expect(sent.attempts).toBeGreaterThanOrEqual(1);
    expect(deliveriesOf(id).filter((d) => d.body.level === 'commune')).toHaveLength(1);
    await applyRoundTransition(ctx.db.models.Round, id, 'all_resolved');
    await hooksOf().onRoundFinished(id);
  });
});
