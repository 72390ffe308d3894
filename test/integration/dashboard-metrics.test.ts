import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { createWorkerMetrics } from '../../src/metrics/worker-metrics.js';
import { serveMetrics } from '../../src/metrics/serve.js';
import { DASHBOARD_QUEUE, DASHBOARD_ROLLUP_ID, ensureRollupScheduler } from '../../queues/dashboard.queue.js';
import { processors } from '../../workers/processors.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { startAppWithAuth, type AppWithAuth } from '../helpers/app-with-auth.js';
import { seedContacts } from '../helpers/dashboard-seed.js';
import { TEST_COMMUNES } from '../helpers/seed.js';
import { seedDocuments, seedLocalities } from '../helpers/fixtures.js';

/**
 * The dashboard's data path on the real servers: the rollup job, run by a Worker from its job
 * scheduler, writes the per-locality documents the API reads (and only what changed on the next
 * run); the API scopes them by locality; /metrics exposes the queue, outcome and escalation
 * series; a worker's own metrics record job durations and failures.
 */
let ctx: TestContext;
let app: AppWithAuth;
const DAY = 86_400_000;

beforeAll(async () => {
  ctx = await createTestContext('dashm');
  await seedLocalities(ctx.db.store);
  await seedContacts(ctx.db.store, ['01']);
  const now = Date.now();
  // Two settled rounds: one completed, one overdue and escalated twice.
  await seedDocuments(ctx.db.store, 'Round', [
    { _id: 'verification-00001-1', localityCode: '00001', kind: 'verification', seq: 1, status: 'completed', deadline: new Date(now + DAY), totalRecords: 10, processedRecords: 10,
      counters: { verified: 8, corrected: 1, exempt: 1 }, finishedAt: new Date(now - DAY) },
    { _id: 'verification-00004-1', localityCode: '00004', kind: 'verification', seq: 1, status: 'awaiting_corrections', deadline: new Date(now - DAY), totalRecords: 20, processedRecords: 20,
      counters: { verified: 10, review: 4, not_found: 3, invalid: 3 }, finishedAt: new Date(now - 2 * DAY) },
  ], { asStored: true });
  await seedDocuments(ctx.db.store, 'Escalation', ['commune', 'district'].map((level) => ({
    roundId: 'verification-00004-1', level, localityCode: '00004', provinceCode: '01', districtCode: '001', escalatedAt: new Date(now - DAY),
    deadline: new Date(now + DAY), overdueSince: new Date(now - DAY), closedAt: null,
  })), { asStored: true });
  app = await startAppWithAuth(ctx, { env: { DASHBOARD_ROLLUP_MS: '300' } });
}, 120_000); // the API with sign-in (OIDC provider) started cold with the rollup, after the seed, on a shared 2-core machine

afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

describe('rollup job', () => {
  it('runs from its job scheduler and writes the unit documents the API reads, then only what changed', async () => {
    const d = { config: app.config, db: ctx.db, queues: app.queues, flows: null as never, log: createLogger({ level: 'silent' }) };
    const worker = new Worker(DASHBOARD_QUEUE, await processors[DASHBOARD_QUEUE]!(d), { connection: ctx.redis, prefix: ctx.prefix });
    // QueueEvents blocks its connection: its own, closed below (BullMQ leaves a given connection open).
    const eventsConnection = ctx.redis.duplicate();
    const events = new QueueEvents(DASHBOARD_QUEUE, { connection: eventsConnection, prefix: ctx.prefix });
    const results: { written: number }[] = [];
    events.on('completed', ({ returnvalue }) => { results.push(returnvalue as unknown as { written: number }); });
    try {
      await waitFor(() => results.length >= 2, 30_000, 'two scheduled rollups');
      expect(results[0]!.written).toBeGreaterThan(0);
      // Nothing changed between runs: nothing rewritten.
      expect(results[1]!.written).toBe(0);
      const queue = app.queues[DASHBOARD_QUEUE];
      expect((await queue.getJobSchedulers()).map((s) => s.key)).toContain(DASHBOARD_ROLLUP_ID);
      expect(await queue.getGlobalConcurrency()).toBe(1);
      // A second registration (another worker starting) is the same scheduler.
      await ensureRollupScheduler(queue, 300);
      expect((await queue.getJobSchedulers()).length).toBe(1);
    } finally {
      await worker.close();
      await events.close();
      await eventsConnection.quit();
    }

    const nation = await app.as('ministry').get('/api/dashboard/progress/VN');
    expect(nation.status).toBe(200);
    expect(nation.body.unit.records).toMatchObject({ total: 30, verified: 18, corrected: 1, review: 4, not_found: 3, invalid: 3, exempt: 1 });
    expect(nation.body.unit.health).toEqual({ on_time: 0, at_risk: 0, overdue: 1, completed: 1 });
    expect(nation.body.children.map((c: { _id: string }) => c._id)).toEqual(['01']);
    // Every record was checked: nothing left for the matcher; 11 wait for officers (1 corrected, 4 review, 3 not found, 3 incomplete).
    expect(nation.body.projection).toMatchObject({ remaining: 0, needsPeople: 11 });

    const district = await app.as('ministry').get('/api/dashboard/progress/001?only=overdue');
    expect(district.body.children.map((c: { _id: string }) => c._id)).toEqual(['00004']);
    expect(district.body.children[0].escalation.level).toBe('district');
    const all = await app.as('ministry').get('/api/dashboard/progress/001');
    expect(all.body.children).toHaveLength(TEST_COMMUNES.length);
  });

  it('scopes the figures to the caller\'s area', async () => {
    expect((await app.as('prov-01').get('/api/dashboard/progress/001')).status).toBe(200);
    expect((await app.as('prov-01').get('/api/dashboard/progress/VN')).status).toBe(403);
    expect((await app.as('health-00001').get('/api/dashboard/progress/00001')).status).toBe(200);
    expect((await app.as('health-00001').get('/api/dashboard/progress/00004')).status).toBe(403);
    expect((await app.as(null).get('/api/dashboard/progress/VN')).status).toBe(401);
    expect((await app.as('ministry').get('/api/dashboard/progress/1234')).status).toBe(400);
  });
});

describe('/metrics', () => {
  it('has the queue, outcome, escalation and HTTP series', async () => {
    await (app.queues[DASHBOARD_QUEUE]).add('rollup', {}, { jobId: 'waiting-one', delay: 0 });
    const res = await app.as('operator').get('/metrics');
    expect(res.status).toBe(200);
    const text = res.text;
    expect(text).toMatch(/vaxverify_queue_jobs\{queue="verification",state="waiting"\} \d+/);
    expect(text).toMatch(/vaxverify_queue_oldest_waiting_seconds\{queue="dashboard"\} [\d.]+/);
    expect(text).toContain('vaxverify_records{outcome="verified"} 18');
    expect(text).toContain('vaxverify_records{outcome="not_found"} 3');
    expect(text).toContain('vaxverify_escalations_open{level="commune"} 1');
    expect(text).toContain('vaxverify_escalations_open{level="district"} 1');
    expect(text).toContain('vaxverify_escalations_open{level="province"} 0');
    expect(text).toContain('vaxverify_rounds_health{health="overdue"} 1');
    expect(text).toMatch(/vaxverify_rollup_age_seconds [\d.]+/);
    // Latency by route pattern, never by raw URL.
    expect(text).toMatch(/vaxverify_http_request_duration_seconds_count\{method="GET",route="\/api\/dashboard\/progress\/:code",status="2xx"\} \d+/);
    expect(text).not.toContain('route="/api/dashboard/progress/VN"');
    expect((await app.as('ministry').get('/metrics')).status).toBe(403);
  });

  it('a worker records job durations, waits, failures and records processed, served on its own port', async () => {
    const metrics = createWorkerMetrics({ defaults: false, pool: ctx.db.pool });
    const name = 'metrics-probe';
    const queue = new Queue(name, { connection: ctx.redis, prefix: ctx.prefix });
    const worker = new Worker(name, async (job) => {
      if (job.data.fail) throw new Error('boom');
      return { processed: 250 };
    }, { connection: ctx.redis, prefix: ctx.prefix });
    metrics.observe(worker);
    const served = await serveMetrics(metrics.registry, 0, '127.0.0.1');
    try {
      await queue.add('verify-chunk', {});
      await queue.add('verify-chunk', { fail: true }, { attempts: 1 });
      await waitFor(async () => (await queue.getJobCounts('completed', 'failed')).failed === 1 && (await queue.getJobCounts('completed')).completed === 1, 20_000, 'both jobs settled');
      const text = await waitFor(async () => {
        const t = await (await fetch(`http://127.0.0.1:${served.port}/metrics`)).text();
        return t.includes('vaxverify_jobs_failed_total{') ? t : null;
      }, 10_000, 'worker metrics');
      expect(text).toMatch(new RegExp(`vaxverify_job_duration_seconds_count\\{queue="${name}",name="verify-chunk",result="completed"\\} 1`));
      expect(text).toMatch(new RegExp(`vaxverify_job_wait_seconds_count\\{queue="${name}",name="verify-chunk"\\} 2`));
      expect(text).toContain(`vaxverify_jobs_failed_total{queue="${name}",name="verify-chunk",final="true"} 1`);
      expect(text).toContain(`vaxverify_records_processed_total{queue="${name}"} 250`);
      // Every series the Grafana dashboard queries exists in the API's or a worker's metrics.
      const api = (await app.as('operator').get('/metrics')).text;
      const grafana = readFileSync(fileURLToPath(new URL('../../docs/grafana/vaxverify-dashboard.json', import.meta.url)), 'utf8');
      const used = new Set([...grafana.matchAll(/vaxverify_[a-z0-9_]+/g)].map((m) => m[0].replace(/_(bucket|count|sum)$/, '')));
      expect(used.size).toBeGreaterThan(8);
      for (const metric of used) expect(`${api}\n${text}`, metric).toContain(`# TYPE ${metric} `);
    } finally {
      await served.close();
      await worker.close();
      await queue.close();
    }
  });
});
