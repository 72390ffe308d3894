import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { spawnWorker, type Proc } from '../helpers/processes.js';
import {
  WEBHOOK_SECRET, createRound, msPolicy, seedPlaceAndContacts, silentLog, startReceiver,
} from '../helpers/deadlines-harness.js';
import { deadlineHooks } from '../../src/deadlines/index.js';
import { createDeadlinesQueue, DEADLINE_SWEEPER_ID } from '../../queues/deadlines.queue.js';
import { createNotificationsQueue } from '../../queues/notifications.queue.js';

/**
 * Two real worker processes (workers/main.ts) serve the deadlines and notifications queues;
 * one is SIGKILLed mid-chain and a fresh one started. Every escalation must exist once in
 * MongoDB and arrive once at the webhook receiver.
 */
let ctx: TestContext;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const procs: Proc[] = [];
const ROUNDS = 6;
// Level deadlines long enough that a restart (≈2 s to boot tsx) lands in the middle of the chain.
const LEVEL_MS = 1500;

const env = () => ({
  REDIS_URL: ctx.redisUrl,
  MONGO_URL: ctx.mongoUrl,
  QUEUE_PREFIX: ctx.prefix,
  WORKER_QUEUES: 'deadlines,notifications',
  REMINDER_OFFSETS_MS: '600,300',
  ESCALATION_COMMUNE_MS: String(LEVEL_MS),
  ESCALATION_DISTRICT_MS: String(LEVEL_MS),
  ESCALATION_PROVINCE_MS: String(LEVEL_MS),
  ESCALATION_MINISTRY_MS: String(LEVEL_MS),
  DEADLINE_SWEEP_MS: '300',
  WEBHOOK_SECRET,
  NOTIFY_BACKOFF_MS: '100',
  // A killed worker's active job is taken over after ~1 s instead of 30 s.
  WORKER_LOCK_MS: '1000',
  LOG_LEVEL: 'info',
});

beforeAll(async () => {
  ctx = await createTestContext('deadlines-replicas');
  receiver = await startReceiver();
  await seedPlaceAndContacts(ctx.db.models, receiver.url);
});
afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill('SIGTERM')));
  const q = createDeadlinesQueue(ctx.redis, ctx.prefix);
  await q.removeJobScheduler(DEADLINE_SWEEPER_ID).catch(() => {});
  await q.close();
  await receiver?.close();
  await ctx?.close();
});

describe('two worker processes, one killed and restarted mid-chain', () => {
  it('escalates every level of every round exactly once', async () => {
    procs.push(await spawnWorker(env()), await spawnWorker(env()));
    const deadlinesQueue = createDeadlinesQueue(ctx.redis, ctx.prefix);
    const notificationsQueue = createNotificationsQueue(ctx.redis, ctx.prefix);
    const policy = msPolicy({ levelDeadlineMs: { commune: LEVEL_MS, district: LEVEL_MS, province: LEVEL_MS, ministry: LEVEL_MS } });
    const hooks = deadlineHooks({
      models: ctx.db.models, deadlinesQueue, notificationsQueue, policy, log: silentLog,
      webhookEnabled: true, notify: { attempts: 10, backoffMs: 100 },
    });
    const ids = Array.from({ length: ROUNDS }, (_, i) => `verification-00001-${100 + i}`);
    for (const id of ids) await createRound(ctx.db.models, id, new Date(Date.now() + 1000));
    await hooks.onRoundsCreated(ids);

    await waitFor(() => ctx.db.models.Escalation.countDocuments({ level: 'commune' }).then((n) => n === ROUNDS), 20_000, 'commune escalations');
    const killed = procs[0]!;
    await killed.kill('SIGKILL');
    procs.push(await spawnWorker(env()));

    const expected = ROUNDS * 4;
    await waitFor(() => ctx.db.models.Escalation.countDocuments().then((n) => n === expected), 40_000, `${expected} escalations`);
    await waitFor(() => receiver.deliveries.filter((d) => d.body.type === 'escalation').length >= expected, 20_000, 'escalation deliveries');
    // Let any duplicate that a retry could still produce arrive before counting.
    await waitFor(() => ctx.db.models.Notification.countDocuments({ status: 'pending' }).then((n) => n === 0), 10_000, 'no pending notification');

    const lateness: number[] = [];
    for (const id of ids) {
      const esc = await ctx.db.models.Escalation.find({ roundId: id }).sort({ escalatedAt: 1 }).lean();
      expect(esc.map((e) => e.level)).toEqual(['commune', 'district', 'province', 'ministry']);
      const delivered = receiver.deliveries.filter((d) => d.body.roundId === id && d.body.type === 'escalation');
      // Once each; across a crash a retried delivery may arrive after the next level's.
      expect(delivered.map((d) => d.body.level).sort()).toEqual(['commune', 'district', 'ministry', 'province']);
      lateness.push(...delivered.map((d) => d.at - Date.parse(String(d.body.escalatedAt))));
    }
    process.stdout.write(`escalation → webhook delay ms: max ${Math.max(...lateness)}, median ${lateness.sort((a, b) => a - b)[lateness.length >> 1]}\n`);
    expect(receiver.deliveries.every((d) => d.signed)).toBe(true);
    expect(new Set(receiver.deliveries.map((d) => d.key)).size).toBe(receiver.deliveries.length);
    await deadlinesQueue.close();
    await notificationsQueue.close();
  }, 120_000);
});
