import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { spawnWorker, type Proc } from '../helpers/processes.js';
import { WEBHOOK_SECRET, msPolicy, silentLog, startReceiver } from '../helpers/deadlines-harness.js';
import { reconcileRound, scheduleNewRounds } from '../../src/deadlines/index.js';
import { createDeadlinesQueue, DEADLINE_SWEEPER_ID } from '../../queues/deadlines.queue.js';
import { createNotificationsQueue } from '../../queues/notifications.queue.js';
import { createRound, seedPlaceAndContacts } from '../helpers/fixtures.js';

/**
 * Two real worker processes (workers/main.ts) serve the deadlines and notifications queues;
 * one is SIGKILLed mid-chain and a fresh one started. Every escalation must exist once in
 * MongoDB and arrive once at the webhook receiver.
 */
let ctx: TestContext;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
const procs: Proc[] = [];
const ROUNDS = 6;
// Level deadlines long enough that a restart (≈2 s to boot tsx) lands in the middle of the chain,
// and that "between levels" stays between levels on a loaded machine. Real milliseconds, not the
// manual clock: the deadlines run in worker processes (the point of this test is killing one),
// and a process reads the system clock; the in-process deadline tests use the manual clock.
const LEVEL_MS = 3000;

const env = () => ({
  REDIS_URL: ctx.redisUrl,
  MONGO_URL: ctx.mongoUrl,
  QUEUE_PREFIX: ctx.prefix,
  WORKER_QUEUES: 'deadlines,notifications',
  REMINDER_OFFSETS_MS: '1600,800',
  ESCALATION_COMMUNE_MS: String(LEVEL_MS),
  ESCALATION_DISTRICT_MS: String(LEVEL_MS),
  ESCALATION_PROVINCE_MS: String(LEVEL_MS),
  ESCALATION_MINISTRY_MS: String(LEVEL_MS),
  DEADLINE_SWEEP_MS: '300',
  WEBHOOK_SECRET,
  // The receiver listens on 127.0.0.1: the only host webhooks may go to here.
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1:*', // any port of the loopback receiver (issue 29: an entry without a port allows 80/443 only)
  NOTIFY_BACKOFF_MS: '100',
  // A killed worker's active job is taken over after ~1 s instead of 30 s.
  WORKER_LOCK_MS: '1000',
  LOG_LEVEL: 'info',
});

beforeAll(async () => {
  ctx = await createTestContext('deadlines-replicas');
  receiver = await startReceiver();
  await seedPlaceAndContacts(ctx.db.store, receiver.url);
});
afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill('SIGTERM')));
  const q = createDeadlinesQueue(ctx.redis, ctx.prefix);
  await q.removeJobScheduler(DEADLINE_SWEEPER_ID).catch(() => {});
  await q.close();
  await receiver?.close();
  await ctx?.close();
});

/** Run ROUNDS chains on two worker processes, SIGKILL one when `killWhen` holds, start a third. */
async function runChain(firstSeq: number, killWhen: (ids: string[]) => Promise<boolean>) {
  const deadlinesQueue = createDeadlinesQueue(ctx.redis, ctx.prefix);
  const notificationsQueue = createNotificationsQueue(ctx.redis, ctx.prefix);
  try {
    const policy = msPolicy({ levelDeadlineMs: { commune: LEVEL_MS, district: LEVEL_MS, province: LEVEL_MS, ministry: LEVEL_MS } });
    const deadlineDeps = {
      store: ctx.db.store, deadlinesQueue, notificationsQueue, policy, log: silentLog,
      webhookEnabled: true, notify: { attempts: 10, backoffMs: 100 },
    };
    const ids = Array.from({ length: ROUNDS }, (_, i) => `verification-00001-${firstSeq + i}`);
    for (const id of ids) await createRound(ctx.db.store, id, new Date(Date.now() + 2000));
    const { due } = await scheduleNewRounds(deadlineDeps, ids);
    // A round already due when its timers were made (slow seeding on a loaded machine): the reconcile-round a rounds worker runs.
    for (const id of due) await reconcileRound(deadlineDeps, id);

    await waitFor(() => killWhen(ids), 60_000, 'the moment to kill'); // cold worker processes on a busy 2-core machine
    const victim = procs.find((p) => p.child.exitCode === null && p.child.signalCode === null)!;
    await victim.kill('SIGKILL');
    procs.push(await spawnWorker(env()));

    const { Escalation, Notification } = ctx.db.models;
    const expected = ROUNDS * 4;
    await waitFor(() => Escalation.countDocuments({ roundId: { $in: ids } }).then((n) => n === expected), 90_000, `${expected} escalations`);
    await waitFor(() => Notification.countDocuments({ roundId: { $in: ids }, kind: 'escalation', status: 'sent' }).then((n) => n === expected), 60_000, 'escalation notifications sent'); // a killed worker's deliveries wait for its lock to expire, then back off

    const lateness: number[] = [];
    const deliveries = receiver.deliveries.filter((d) => ids.includes(String(d.body.roundId)) && d.body.type === 'escalation');
    for (const id of ids) {
      const esc = await Escalation.find({ roundId: id }).sort({ escalatedAt: 1 }).lean();
      expect(esc.map((e) => e.level)).toEqual(['commune', 'district', 'province', 'ministry']);
      const mine = deliveries.filter((d) => d.body.roundId === id);
      // One delivery key per escalation; across a crash a retried delivery may arrive after the next level's.
      const keysByLevel = new Map<string, Set<string>>();
      for (const d of mine) keysByLevel.set(String(d.body.level), (keysByLevel.get(String(d.body.level)) ?? new Set()).add(d.key));
      expect([...keysByLevel.keys()].sort()).toEqual(['commune', 'district', 'ministry', 'province']);
      expect([...keysByLevel.values()].map((k) => k.size)).toEqual([1, 1, 1, 1]);
      lateness.push(...mine.map((d) => d.at - Date.parse(String(d.body.escalatedAt))));
    }
    expect(deliveries.every((d) => d.signed)).toBe(true);
    const redelivered = deliveries.length - new Set(deliveries.map((d) => d.key)).size;
    process.stdout.write(`escalation → webhook ms: max ${Math.max(...lateness)}, median ${lateness.sort((a, b) => a - b)[lateness.length >> 1]}; redelivered ${redelivered}\n`);
    return { redelivered };
  } finally {
    await deadlinesQueue.close();
    await notificationsQueue.close();
  }
}

describe('two worker processes, one SIGKILLed and replaced mid-chain', () => {
  it('killed between levels: every escalation exactly once in MongoDB and at the receiver', async () => {
    procs.push(await spawnWorker(env()), await spawnWorker(env()));
    // Kill once the commune level is escalated and delivered and nothing is in flight, before the district is due.
    const { redelivered } = await runChain(100, async (ids) =>
      receiver.deliveries.filter((d) => ids.includes(String(d.body.roundId)) && d.body.level === 'commune').length === ROUNDS
      && (await ctx.db.models.Notification.countDocuments({ roundId: { $in: ids }, status: 'pending' })) === 0);
    expect(redelivered).toBe(0);
  }, 240_000); // two worker processes started cold with tsx, 100 rounds' escalation chain, one SIGKILLed and replaced between levels

  it('killed during a burst of deliveries: once in MongoDB, one delivery key per escalation at the receiver', async () => {
    // Kill as soon as the commune escalations exist, while their webhooks are in flight. A delivery
    // cut off after the receiver answered but before it was recorded is sent again with the same
    // X-Vaxverify-Delivery key (at-least-once transport; receivers drop the repeat by key).
    await runChain(200, async (ids) =>
      ctx.db.models.Escalation.countDocuments({ roundId: { $in: ids }, level: 'commune' }).then((n) => n === ROUNDS));
  }, 240_000); // worker processes started cold with tsx, 200 rounds' escalation chain, one SIGKILLed and replaced mid-burst
});
