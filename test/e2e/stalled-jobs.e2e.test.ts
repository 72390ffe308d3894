import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotificationJob, createNotificationsQueue, notificationJobId } from '../../queues/notifications.queue.js';
import { seedDocuments } from '../helpers/fixtures.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { WEBHOOK_SECRET, startReceiver, type Receiver } from '../helpers/deadlines-harness.js';
import { spawnWorker, type Proc } from '../helpers/processes.js';

/**
 * WORKER_MAX_STALLED_COUNT is what a job may survive of workers dying under it. A notification
 * whose webhook never answers keeps its delivery job active; the worker running it is SIGKILLed
 * twice, each time after the webhook received the request, and a third worker is started. With
 * the limit at 3 (the default) the job comes back twice and the third worker delivers it; with
 * the limit at 1 BullMQ fails it at the second stall ("job stalled more than allowable limit")
 * and the third worker never calls the webhook.
 */
let ctx: TestContext;
let hook: Receiver;
const procs: Proc[] = [];

beforeAll(async () => {
  ctx = await createTestContext('stalled');
  hook = await startReceiver();
}, 60_000);

afterAll(async () => {
  await Promise.all(procs.map((p) => p.kill('SIGKILL')));
  await hook?.close();
  await ctx?.close();
});

/** Record one webhook notification and queue its delivery (one attempt: only stalls can bring it back). */
async function queueDelivery(key: string) {
  await seedDocuments(ctx.db.store, 'Notification', [{
    key, event: `rem__stall__${key}`, kind: 'reminder', roundId: `verification-00001-${key}`, level: null,
    channel: 'webhook', contactId: 'c1', target: hook.url, payload: { roundId: `verification-00001-${key}` },
  }]);
  const queue = createNotificationsQueue(ctx.redis, ctx.prefix);
  try {
    await queue.add(NotificationJob.deliver, { key }, { jobId: notificationJobId(key), attempts: 1 });
  } finally {
    await queue.close();
  }
  return notificationJobId(key);
}

/** Start a notifications worker, wait until the webhook got the `nth` request, SIGKILL it. */
async function killDuringDelivery(env: Record<string, string>, nth: number) {
  const w = await spawnWorker(env);
  procs.push(w);
  await waitFor(() => hook.arrivals() >= nth, 60_000, `webhook request ${nth}`);
  await w.kill('SIGKILL');
}

async function run(maxStalled: number, key: string) {
  const env = {
    REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, QUEUE_PREFIX: ctx.prefix, WORKER_QUEUES: 'notifications',
    // A killed worker's lock expires after 2 s; the stalled check runs as often.
    WORKER_LOCK_MS: '2000', WORKER_MAX_STALLED_COUNT: String(maxStalled),
    // Any port of the loopback receiver (issue 29: an entry without a port allows 80/443 only).
    WEBHOOK_SECRET, WEBHOOK_ALLOWED_HOSTS: '127.0.0.1:*', WEBHOOK_TIMEOUT_MS: '120000',
  };
  const before = hook.arrivals();
  // The webhook hangs on the two requests the killed workers make; the third is answered.
  hook.holdNext(2);
  const jobId = await queueDelivery(key);
  await killDuringDelivery(env, before + 1);
  await killDuringDelivery(env, before + 2);
  const third = await spawnWorker(env);
  procs.push(third);
  const queue = createNotificationsQueue(ctx.redis, ctx.prefix);
  try {
    const state = await waitFor(async () => {
      const s = await queue.getJobState(jobId);
      return s === 'completed' || s === 'failed' ? s : null;
    }, 90_000, `job ${jobId} to finish`);
    const job = (await queue.getJob(jobId))!;
    return { state, job, requests: hook.arrivals() - before, notification: await ctx.db.models.Notification.findOne({ key }).lean() };
  } finally {
    await queue.close();
    await third.kill('SIGTERM');
  }
}

describe('WORKER_MAX_STALLED_COUNT', () => {
  it('at 3, a delivery whose worker was killed twice comes back and is delivered by the third worker', async () => {
    const r = await run(3, 'k3');
    expect(r.state).toBe('completed');
    expect(r.requests).toBe(3);
    expect(r.notification).toMatchObject({ status: 'sent', attempts: 1 });
  }, 240_000); // three worker processes in turn, two killed mid-delivery, each stall found after the lock duration

  it('at 1, the second stall fails the job: the third worker never calls the webhook', async () => {
    const r = await run(1, 'k1');
    expect(r.state).toBe('failed');
    expect(r.job.failedReason).toMatch(/stalled more than allowable limit/);
    expect(r.requests).toBe(2);
    expect(r.notification).toMatchObject({ status: 'pending', attempts: 0 });
  }, 240_000); // three worker processes in turn, two killed mid-delivery, each stall found after the lock duration
});
