import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { clockPolicy, manualClock, startDeadlineWorkers, startReceiver } from '../helpers/deadlines-harness.js';
import { scheduleNewRounds, ensureDeadlineSweeper, sweepDeadlines } from '../../src/deadlines/index.js';
import { adoptRounds } from '../../src/deadlines/hooks.js';
import { DEADLINE_SWEEPER_ID } from '../../queues/deadlines.queue.js';
import { alterDocuments, createRound, seedPlaceAndContacts } from '../helpers/fixtures.js';

let ctx: TestContext;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let workers: Awaited<ReturnType<typeof startDeadlineWorkers>>;
const HOUR = 3_600_000;
const policy = clockPolicy();
// The deadline code reads this clock; the test moves it and runs the sweeps itself.
const clock = manualClock();

beforeAll(async () => {
  ctx = await createTestContext('deadlines-sweep');
  receiver = await startReceiver();
  await seedPlaceAndContacts(ctx.db.store, receiver.url);
  workers = await startDeadlineWorkers(ctx, policy, clock);
});
afterAll(async () => {
  await workers?.deadlinesQueue.removeJobScheduler(DEADLINE_SWEEPER_ID);
  await workers?.close();
  await receiver?.close();
  await ctx?.close();
});

/** Delete the round timers from Redis, as a Redis failover without persistence would. */
async function deleteTimers(): Promise<number> {
  const jobs = await workers.deadlinesQueue.getJobs(['delayed', 'waiting']);
  const timers = jobs.filter((j) => /^(remind|deadline)__/.test(j.id ?? ''));
  let removed = 0;
  for (const j of timers) removed += await workers.deadlinesQueue.remove(j.id!);
  return removed;
}

/**
 * Move the clock to `at` and run one sweep, as the sweeper job would at that time; then wait
 * until `delivered` webhooks have arrived, so deliveries come in the order of the events.
 */
async function sweepAt(at: Date, delivered = receiver.deliveries.length) {
  clock.set(at);
  const r = await sweepDeadlines(workers.deps);
  await waitFor(() => receiver.deliveries.length === delivered, 10_000, `${delivered} deliveries`);
  return r;
}

describe('the sweeper recomputes from MongoDB what Redis lost', () => {
  it('still reminds and escalates every level once after the delayed jobs are deleted, twice', async () => {
    const ids = ['verification-00001-11', 'verification-00001-12'];
    const deadline = new Date(clock.now().getTime() + 3 * HOUR);
    for (const id of ids) await createRound(ctx.db.store, id, deadline);
    await scheduleNewRounds(workers.deps, ids);
    expect(await deleteTimers()).toBe(ids.length * 3);

    // Just before anything is due, a sweep does nothing.
    expect(await sweepAt(new Date(deadline.getTime() - 2 * HOUR - 1))).toMatchObject({ rounds: 0 });
    // The two reminders, then the deadline: each sweep finds what is due from MongoDB alone.
    await sweepAt(new Date(deadline.getTime() - 2 * HOUR), 2);
    await sweepAt(new Date(deadline.getTime() - HOUR), 4);
    expect(await sweepAt(deadline, 6)).toMatchObject({ rounds: ids.length, escalated: ids.length });
    // Mid-run, once the chain is under way, Redis loses the timers again.
    await deleteTimers();
    for (let level = 1; level <= 3; level++) {
      expect(await sweepAt(new Date(deadline.getTime() + level * HOUR), 6 + 2 * level)).toMatchObject({ rounds: ids.length, escalated: ids.length });
    }
    expect(await ctx.db.models.Escalation.countDocuments()).toBe(ids.length * 4);

    expect(receiver.deliveries).toHaveLength(ids.length * 6);
    for (const id of ids) {
      const levels = (await ctx.db.models.Escalation.find({ roundId: id }).sort({ escalatedAt: 1 }).lean()).map((e) => e.level);
      expect(levels).toEqual(['commune', 'district', 'province', 'ministry']);
      const got = receiver.deliveries.filter((d) => d.body.roundId === id);
      expect(got.filter((d) => d.body.type === 'escalation').map((d) => d.body.level)).toEqual(levels);
      // Each reminder exactly once, in order, all before the escalations.
      expect(got.slice(0, 2).map((d) => d.body.offsetMs)).toEqual([2 * HOUR, HOUR]);
    }
    expect(new Set(receiver.deliveries.map((d) => d.key)).size).toBe(receiver.deliveries.length);
    // Nothing is left to do: a later sweep finds no round.
    expect(await sweepAt(new Date(deadline.getTime() + 10 * HOUR))).toMatchObject({ rounds: 0, escalated: 0 });
  });

  it('a round created without its deadline state (a lost hook, an older round) is watched once adopted', async () => {
    const id = 'verification-00001-21';
    const deadline = new Date(clock.now().getTime() + 30 * HOUR);
    await createRound(ctx.db.store, id, deadline);
    const delivered = receiver.deliveries.length;
    // No state, no timers: the sweeper cannot see it when its first reminder is due.
    expect(await sweepAt(new Date(deadline.getTime() - 2 * HOUR), delivered)).toMatchObject({ rounds: 0 });
    expect(await adoptRounds(workers.deps)).toBe(1);
    expect(await adoptRounds(workers.deps)).toBe(0);
    expect(await ctx.db.models.RoundDeadline.findById(id).lean()).toMatchObject({ nextCheckAt: new Date(deadline.getTime() - 2 * HOUR) });
    expect(await sweepAt(new Date(deadline.getTime() - 2 * HOUR), delivered + 1)).toMatchObject({ rounds: 1 });
    expect(receiver.deliveries.at(-1)!.body).toMatchObject({ roundId: id, type: 'reminder', offsetMs: 2 * HOUR });
    await alterDocuments(ctx.db.store, 'Round', { _id: id }, { status: 'cancelled' });
    await sweepAt(new Date(deadline.getTime() - HOUR), delivered + 1);
  });

  it('installs the periodic sweeper once, however often it is ensured', async () => {
    await ensureDeadlineSweeper(workers.deadlinesQueue, policy.sweepEveryMs);
    await ensureDeadlineSweeper(workers.deadlinesQueue, policy.sweepEveryMs);
    const schedulers = await workers.deadlinesQueue.getJobSchedulers();
    expect(schedulers.map((s) => [s.key, s.every])).toEqual([[DEADLINE_SWEEPER_ID, policy.sweepEveryMs]]);
  });
});
