import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Worker } from 'bullmq';
import express from 'express';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { claimPressure, pressingApis } from '../../src/lib/people-pressure.js';
import { pressed, publishPressure, timedForPressure } from '../../src/http/pressure.js';
import { createShedder } from '../../src/http/shed.js';
import { yieldToPeople } from '../../workers/yield-to-people.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';

/**
 * Batch work yields to people (issue 30), over real Redis and a real BullMQ worker: an API whose
 * requests queue claims pressure, the verification worker drops to its yielding concurrency, and
 * returns to full speed once the requests are served in time.
 */
let ctx: TestContext;
let server: Server;
let worker: Worker;
const stops: (() => unknown)[] = [];
const held: (() => void)[] = [];
const log = createLogger({ level: 'silent', name: 'test' });

beforeAll(async () => {
  ctx = await createTestContext('pressure');
  // One request at a time: a second one queues, which is the signal.
  const shedder = createShedder({ classes: { page: { concurrency: 1, queue: 10 } }, maxWaitMs: 60_000, targetMs: 250, registry: new Registry() });
  const app = express();
  app.use('/api', shedder);
  app.get('/api/hold', (_req, res) => { held.push(() => res.json({ ok: true })); });
  server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  stops.push(publishPressure({ redis: ctx.redis, prefix: ctx.prefix, instance: 'api-1', everyMs: 100, slowMs: 125, sample: () => shedder.sample(), log }));
  worker = new Worker('verify-test', async () => {}, { connection: ctx.redis, prefix: ctx.prefix, concurrency: 4, autorun: false });
  stops.push(yieldToPeople({ redis: ctx.redis, prefix: ctx.prefix, workers: [worker], concurrency: 4, underPressure: 1, everyMs: 100, log }));
});

afterAll(async () => {
  for (const stop of stops.splice(0)) await stop();
  for (const release of held.splice(0)) release();
  await worker?.close();
  await new Promise((r) => server?.close(r));
  await ctx?.close();
});

describe('people pressure', () => {
  it('queued requests make the worker yield; served requests give it back its concurrency', async () => {
    expect(worker.concurrency).toBe(4);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/hold`;
    const answers = [fetch(url), fetch(url)];
    // The first is served (held), the second waits for its slot: pressure.
    await waitFor(() => held.length === 1, 10_000, 'the first request held');
    await waitFor(async () => (await pressingApis(ctx.redis, ctx.prefix)) === 1, 10_000, 'the API claims pressure');
    await waitFor(() => worker.concurrency === 1, 10_000, 'the worker yields');
    // Serve both: the queue empties, the next quiet sample withdraws the claim.
    held.shift()!();
    await waitFor(() => held.length === 1, 10_000, 'the second request admitted');
    held.shift()!();
    expect((await Promise.all(answers)).map((r) => r.status)).toEqual([200, 200]);
    await waitFor(async () => (await pressingApis(ctx.redis, ctx.prefix)) === 0, 10_000, 'the claim withdrawn');
    await waitFor(() => worker.concurrency === 4, 10_000, 'full speed again');
  });

  it('a slow write (creating rounds) is its own work, not people waiting: only slow reads, queues and 503s press', async () => {
    // The API's rule (src/http/app.ts): reads are timed; a coordinator's POST /api/rounds is not.
    const timedShedder = createShedder({
      classes: { page: { concurrency: 8, queue: 10 } }, maxWaitMs: 60_000, targetMs: 250, registry: new Registry(),
      timed: timedForPressure,
    });
    const app = express();
    app.use('/api', timedShedder);
    app.all('/api/slow', (_req, res) => { setTimeout(() => res.json({ ok: true }), 300); });
    const s = await new Promise<Server>((resolve) => { const x = app.listen(0, '127.0.0.1', () => resolve(x)); });
    try {
      const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}/api/slow`;
      timedShedder.sample();
      expect((await Promise.all([1, 2, 3].map(() => fetch(url, { method: 'POST' })))).map((r) => r.status)).toEqual([200, 200, 200]);
      const writes = timedShedder.sample();
      expect(writes).toMatchObject({ served: 0, shed: 0, queued: 0 });
      expect(pressed(writes, 125)).toBe(false);
      expect((await fetch(url)).status).toBe(200);
      const reads = timedShedder.sample();
      expect(reads.served).toBe(1);
      expect(reads.avgMs).toBeGreaterThanOrEqual(290);
      expect(pressed(reads, 125)).toBe(true);
    } finally {
      await new Promise((r) => s.close(r));
    }
  });

  it('a claim that is not renewed (its API crashed) lapses by itself', async () => {
    const now = Date.now();
    await claimPressure(ctx.redis, ctx.prefix, 'api-crashed', true, 3_000, now);
    expect(await pressingApis(ctx.redis, ctx.prefix, now + 2_999)).toBe(1);
    expect(await pressingApis(ctx.redis, ctx.prefix, now + 3_001)).toBe(0);
    await claimPressure(ctx.redis, ctx.prefix, 'api-crashed', false, 0);
  });
});
