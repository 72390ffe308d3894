import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue, Worker, type Job } from 'bullmq';
import { pino } from 'pino';
import type { DeadlineDeps } from '../../src/deadlines/deps.js';
import { DEFAULT_POLICY, type DeadlinePolicy } from '../../src/domain/rounds/policy.js';
import { createLogChannel, createWebhookChannel, verifyWebhookSignature, DELIVERY_HEADER, SIGNATURE_HEADER } from '../../src/notify/index.js';
import { DEADLINES_QUEUE, createDeadlinesQueue } from '../../queues/deadlines.queue.js';
import { NOTIFICATIONS_QUEUE, createNotificationsQueue } from '../../queues/notifications.queue.js';
import { deadlinesProcessor } from '../../workers/deadlines.processor.js';
import { notificationsProcessor } from '../../workers/notifications.processor.js';
import type { TestContext } from './context.js';

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';
export const silentLog = pino({ level: 'silent' });

/**
 * Millisecond policy for tests: a chain runs its course in a few seconds. Reminders are 800 ms
 * apart and levels 600 ms: enough slack for a loaded 2-core machine, where a reminder that cannot
 * be sent before the deadline is (rightly) dropped.
 */
export function msPolicy(over: Partial<DeadlinePolicy> = {}): DeadlinePolicy {
  return {
    ...DEFAULT_POLICY,
    reminderOffsetsMs: [1600, 800],
    levelDeadlineMs: { commune: 600, district: 600, province: 600, ministry: 600 },
    sweepEveryMs: 200,
    ...over,
  };
}

const HOUR = 3_600_000;

/**
 * Policy for tests on a manual clock: hours, so no delayed job ever comes due in real time
 * during a test; the test moves the clock and fires the timers itself (fireTimer).
 */
export function clockPolicy(over: Partial<DeadlinePolicy> = {}): DeadlinePolicy {
  return {
    ...DEFAULT_POLICY,
    reminderOffsetsMs: [2 * HOUR, HOUR],
    levelDeadlineMs: { commune: HOUR, district: HOUR, province: HOUR, ministry: HOUR },
    sweepEveryMs: HOUR,
    ...over,
  };
}

/** A clock that only moves when the test moves it (pass `clock.now` as `deps.now`). */
export interface ManualClock {
  now(): Date;
  set(at: Date): void;
  advance(ms: number): Date;
}

export function manualClock(start = new Date()): ManualClock {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    set: (at) => { t = at.getTime(); },
    advance: (ms) => new Date((t += ms)),
  };
}

export interface Delivery {
  path: string;
  key: string;
  body: Record<string, unknown>;
  signed: boolean;
  at: number;
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Every request that arrived, answered or not. */
  arrivals(): number;
  /** Answer the next n requests 503. */
  failNext(n: number): void;
  /** Leave the next n requests unanswered (a hung receiver: the sender waits until its timeout). */
  holdNext(n: number): void;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1:0 that records webhook deliveries (and can fail or hang on demand). */
export async function startReceiver(): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  let failures = 0;
  let holds = 0;
  let arrivals = 0;
  const server: Server = createServer((req, res) => {
    arrivals++;
    if (holds > 0) { holds--; req.resume(); return; }
    let raw = '';
    req.on('data', (c) => { raw += c; });
    req.on('end', () => {
      if (failures > 0) { failures--; res.writeHead(503).end(); return; }
      deliveries.push({
        path: req.url ?? '',
        key: String(req.headers[DELIVERY_HEADER]),
        body: JSON.parse(raw) as Record<string, unknown>,
        signed: verifyWebhookSignature(WEBHOOK_SECRET, req.headers[SIGNATURE_HEADER] as string, raw),
        at: Date.now(),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deliveries,
    arrivals: () => arrivals,
    failNext: (n) => { failures = n; },
    holdNext: (n) => { holds = n; },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/**
 * In-process deadline + notification workers on the test's prefix (same code as workers/main.ts).
 * With a clock, the deadline code reads the time from it, and `fireTimer` runs a delayed timer.
 */
export async function startDeadlineWorkers(ctx: TestContext, policy: DeadlinePolicy, clock?: ManualClock) {
  const connection = ctx.redis;
  const deadlinesQueue = createDeadlinesQueue(connection, ctx.prefix);
  const notificationsQueue = createNotificationsQueue(connection, ctx.prefix);
  const deps: DeadlineDeps = {
    store: ctx.db.store, deadlinesQueue, notificationsQueue, policy, log: silentLog,
    webhookEnabled: true, notify: { attempts: 5, backoffMs: 50 },
    ...(clock ? { now: clock.now } : {}),
  };
  const channels = { log: createLogChannel(silentLog), webhook: createWebhookChannel({ secret: WEBHOOK_SECRET, timeoutMs: 2000 }) };
  const workers = [
    new Worker(DEADLINES_QUEUE, deadlinesProcessor(deps), { connection, prefix: ctx.prefix, concurrency: 4 }),
    new Worker(NOTIFICATIONS_QUEUE, notificationsProcessor({ store: ctx.db.store, channels, log: silentLog }), { connection, prefix: ctx.prefix, concurrency: 4 }),
  ];
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const processDeadline = deadlinesProcessor(deps);
  return {
    deps,
    deadlinesQueue: deadlinesQueue as Queue,
    /**
     * Move the clock to a delayed timer's due time and run it, as the worker would when BullMQ
     * promotes it (its BullMQ delay is hours of real time, so the worker never does meanwhile).
     */
    async fireTimer(jobId: string) {
      if (!clock) throw new Error('fireTimer needs startDeadlineWorkers(ctx, policy, clock)');
      const job = await deadlinesQueue.getJob(jobId);
      if (!job) throw new Error(`no timer ${jobId}`);
      const state = await job.getState();
      if (state !== 'delayed') throw new Error(`timer ${jobId} is ${state}, not delayed`);
      const data = job.data as { dueAt?: string; deadline?: string; offsetMs?: number };
      clock.set(new Date(data.dueAt ? Date.parse(data.dueAt) : Date.parse(data.deadline!) - data.offsetMs!));
      return processDeadline(job as Job);
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await deadlinesQueue.close();
      await notificationsQueue.close();
    },
  };
}
