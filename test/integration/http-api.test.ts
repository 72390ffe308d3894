import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Queues } from '../../queues/registry.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { startAppWithAuth, type AppWithAuth } from '../helpers/app-with-auth.js';
import { seedLocalities } from '../helpers/fixtures.js';

/** The API in-process against real Redis and the Mongo-wire server (no workers: jobs wait), signed in through the local provider. */
let ctx: TestContext;
let queues: Queues;
let app: AppWithAuth;
let base: string;

beforeAll(async () => {
  ctx = await createTestContext('http');
  await seedLocalities(ctx.db.store);
  app = await startAppWithAuth(ctx);
  ({ queues, base } = app);
});

afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

/** As the campaign admin unless another login is named (the operator for queues, metrics and readiness). */
const json = async (path: string, init?: RequestInit, login = 'admin') => {
  const res = await fetch(base + path, { ...init, headers: { ...(init?.headers as Record<string, string>), authorization: `Bearer ${await app.as(login).token()}` } });
  return { status: res.status, body: (await res.json()) as any };
};
const raw = async (path: string, login: string) => fetch(base + path, { headers: { authorization: `Bearer ${await app.as(login).token()}` } });
const post = (path: string, body: unknown) =>
  json(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('health and operations endpoints', () => {
  it('/healthz and /readyz answer with the servers up', async () => {
    expect(await json('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await json('/readyz', undefined, 'operator');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ redis: 'ok', mongo: 'ok' });
  });

  it('serves Bull Board with every queue at /admin/queues', async () => {
    const page = await raw('/admin/queues', 'operator');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>vaxverify</title>');
    const api = await json('/admin/queues/api/queues', undefined, 'operator');
    const names = api.body.queues.map((q: any) => q.name).sort();
    expect(names).toEqual(Object.keys(queues).sort());
  });

  it('serves the campaign dashboard (its script and the local Chart.js), and the overview API', async () => {
    const page = await raw('/dashboard', 'admin');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/dashboard/assets/app.js');
    const chart = await raw('/dashboard/assets/vendor/chart.umd.min.js', 'admin');
    expect(chart.status).toBe(200);
    expect(await chart.text()).toContain('Chart');
    const overview = await json('/api/campaign/overview');
    expect(overview.status).toBe(200);
    // No round and no rollup yet: every figure is a zero, no province listed, nothing computed.
    expect(overview.body).toEqual({
      generatedAt: expect.any(String), computedAt: null, national: null,
      totals: { on_time: 0, at_risk: 0, overdue: 0, completed: 0 }, provinces: [],
    });
  });

  it('exposes Prometheus metrics with job counts per queue', async () => {
    const text = await (await raw('/metrics', 'operator')).text();
    expect(text).toMatch(/vaxverify_queue_jobs\{queue="verification",state="waiting"\} \d+/);
  });
});

describe('rounds API', () => {
  it('expands a district code into its communes and enqueues one planner job per round', async () => {
    const res = await post('/api/rounds', { localities: ['001'] });
    expect(res.status).toBe(201);
    expect(res.body.rounds.map((r: any) => r.localityCode)).toEqual(['00001', '00004', '00006', '00007']);
    const jobs = await queues.verification.getJobs(['waiting', 'prioritized'], 0, 100);
    expect(jobs.map((j) => j.id).sort()).toEqual(res.body.rounds.map((r: any) => `plan__${r.id}`).sort());
    // Payloads carry IDs and codes only, never personal data.
    expect(Object.keys(jobs[0]!.data).sort()).toEqual(['generation', 'localityCode', 'roundId']);
  });

  it('posting a province code again (a superset) creates nothing new and writes no round', async () => {
    const stored = () => ctx.db.models.Round.find({}, { updatedAt: 1, transitions: 1 }).sort({ _id: 1 }).lean();
    const before = await stored();
    const res = await post('/api/rounds', { localities: ['01'] });
    expect(res.status).toBe(200);
    expect(res.body.rounds).toHaveLength(4);
    expect(res.body.rounds.every((r: any) => !r.created)).toBe(true);
    expect(await queues.verification.count()).toBe(4);
    // Not even `updatedAt` moves: the dashboard rollup reads rounds changed since its last run.
    expect(await stored()).toEqual(before);
  });

  it('lists rounds by locality at any level and by status, with keyset pagination', async () => {
    const page1 = await json('/api/rounds?locality=01&status=scheduled&limit=3');
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(3);
    const page2 = await json(`/api/rounds?locality=01&limit=3&after=${page1.body.next}`);
    expect(page2.body.items.map((r: any) => r._id)).toEqual(['verification-00007-1']);
    expect(page2.body.next).toBeNull();
    expect((await json('/api/rounds?locality=00004')).body.items).toHaveLength(1);
  });

  it('returns one round by id, and 404 naming an unknown one', async () => {
    const r = await json('/api/rounds/verification-00001-1');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ _id: 'verification-00001-1', localityCode: '00001', status: 'scheduled', kind: 'verification' });
    const missing = await json('/api/rounds/verification-09999-1');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('verification-09999-1');
  });

  it.each([
    [{ localities: [] }, 'body.localities'],
    [{ localities: ['1'] }, 'body.localities.0'],
    [{ localities: ['00001'], kind: 'audit' }, 'body.kind'],
    [{ localities: ['00001'], deadline: 'tomorrow' }, 'body.deadline'],
    [{ localities: ['00001'], extra: 1 }, 'extra'],
    [{ localities: ['00001'], deadline: '2020-01-01T00:00:00Z' }, 'is not in the future'],
    [{ localities: ['00001', '77777', '88'] }, 'unknown locality code(s): 77777, 88'],
  ])('rejects %o with a 400 naming the problem', async (body, named) => {
    const res = await post('/api/rounds', body);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(named);
  });

  it('rejects malformed JSON with a 400, and unknown routes with a 404', async () => {
    const bad = await post('/api/rounds', '{"localities": [');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('malformed_json');
    expect((await json('/api/nothing-here')).status).toBe(404);
    // Nothing was half-written by the bad requests.
    expect(await ctx.db.models.Round.countDocuments()).toBe(4);
  });
});

describe('round deadlines from the campaign settings', () => {
  const HOUR = 3_600_000;

  it('uses the province override, capped at the national deadline, and refuses a deadline past it', async () => {
    const national = new Date(Date.now() + 100 * HOUR);
    const put = await json('/api/campaign', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nationalDeadline: national.toISOString(), roundDeadlineMs: 72 * HOUR, provinces: [{ provinceCode: '01', roundDeadlineMs: 48 * HOUR }] }),
    });
    expect(put.status).toBe(200);

    const before = Date.now();
    const res = await post('/api/rounds', { localities: ['00001'], seq: 2 });
    expect(res.status).toBe(201);
    const due = new Date(res.body.rounds[0].deadline).getTime();
    expect(due - before).toBeGreaterThanOrEqual(48 * HOUR - 1000);
    expect(due - before).toBeLessThan(48 * HOUR + 60_000);

    const tooLate = await post('/api/rounds', { localities: ['00004'], seq: 2, deadline: new Date(national.getTime() + HOUR).toISOString() });
    expect(tooLate.status).toBe(400);
    expect(tooLate.body.error.message).toContain('after the national deadline');

    await json('/api/campaign', {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ provinces: [{ provinceCode: '01', roundDeadlineMs: 500 * HOUR }] }),
    });
    const capped = await post('/api/rounds', { localities: ['00006'], seq: 2 });
    expect(new Date(capped.body.rounds[0].deadline).toISOString()).toBe(national.toISOString());
  });
});
