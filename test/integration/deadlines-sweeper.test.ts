import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import {
  createRound, msPolicy, seedPlaceAndContacts, startDeadlineWorkers, startReceiver,
} from '../helpers/deadlines-harness.js';
import { deadlineHooks, ensureDeadlineSweeper } from '../../src/deadlines/index.js';
import { DEADLINE_SWEEPER_ID } from '../../queues/deadlines.queue.js';

let ctx: TestContext;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let workers: Awaited<ReturnType<typeof startDeadlineWorkers>>;
const policy = msPolicy({ sweepEveryMs: 150 });

beforeAll(async () => {
  ctx = await createTestContext('deadlines-sweep');
  receiver = await startReceiver();
  await seedPlaceAndContacts(ctx.db.models, receiver.url);
  workers = await startDeadlineWorkers(ctx, policy);
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
  // A timer running right now is locked and stays; the point is that the waiting ones vanish.
  for (const j of timers) removed += await workers.deadlinesQueue.remove(j.id!);
  return removed;
}

describe('the sweeper recomputes from MongoDB what Redis lost', () => {
  it('still reminds and escalates every level once after the delayed jobs are deleted, twice', async () => {
    const ids = ['verification-00001-11', 'verification-00001-12'];
    for (const id of ids) await createRound(ctx.db.models, id, new Date(Date.now() + 2500));
    await deadlineHooks(workers.deps).onRoundsCreated(ids);
    expect(await deleteTimers()).toBe(ids.length * 3);
    await ensureDeadlineSweeper(workers.deadlinesQueue, policy.sweepEveryMs);

    // Mid-run, once the chain is under way, Redis loses the timers again.
    await waitFor(() => ctx.db.models.Escalation.countDocuments({ level: 'commune' }).then((n) => n === ids.length), 10_000, 'commune escalations');
    await deleteTimers();

    await waitFor(() => ctx.db.models.Escalation.countDocuments().then((n) => n === ids.length * 4), 15_000, 'all escalations');
    await waitFor(() => receiver.deliveries.filter((d) => d.body.type === 'escalation').length === ids.length * 4, 10_000, 'escalation deliveries');
    for (const id of ids) {
      const levels = (await ctx.db.models.Escalation.find({ roundId: id }).sort({ escalatedAt: 1 }).lean()).map((e) => e.level);
      expect(levels).toEqual(['commune', 'district', 'province', 'ministry']);
      const got = receiver.deliveries.filter((d) => d.body.roundId === id);
      expect(got.filter((d) => d.body.type === 'escalation').map((d) => d.body.level)).toEqual(levels);
      // Reminders come from the sweeper too, each at most once, in order. (Which ones depends on
      // when the sweeps land: an overtaken reminder is dropped, and none is sent after the deadline.)
      const reminders = got.filter((d) => d.body.type === 'reminder').map((d) => d.body.offsetMs);
      expect([[1600, 800], [1600], [800]]).toContainEqual(reminders);
    }
    expect(new Set(receiver.deliveries.map((d) => d.key)).size).toBe(receiver.deliveries.length);
  });
});
