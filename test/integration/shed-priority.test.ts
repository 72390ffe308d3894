import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/index.js';
import { shedClassOf, shedClasses } from '../../src/http/app.js';
import { createShedder } from '../../src/http/shed.js';
import { waitFor } from '../helpers/context.js';

/**
 * Pages yield to look-ups (issue 30), over real HTTP with the API's own shedder classes
 * (shedClasses, 8 page slots here): while a checker's question waits for a slot, the pages' limit
 * falls to one page at a time, so the store answers the checkers first; once the look-ups are
 * served in time again the pages get their slots back. Forced, not timed: requests are held by the
 * test and released by it.
 */
let server: Server;
let base: string;
const registry = new Registry();
const held: Record<'page' | 'lookup', (() => void)[]> = { page: [], lookup: [] };

beforeAll(async () => {
  const config = parseEnv({ SHED_CONCURRENCY: '8', SHED_QUEUE: '64', SHED_LOOKUP_CONCURRENCY: '1', SHED_LOOKUP_QUEUE: '8' });
  const shedder = createShedder({
    classes: shedClasses(config), maxWaitMs: 60_000, targetMs: 250, registry,
    classify: (req) => (req.originalUrl.startsWith('/api/citizens/') ? 'lookup' : 'page'),
  });
  const app = express();
  app.use('/api', shedder);
  // A page or look-up answers when the test says, or at once with ?now.
  app.get('/api/page', (req, res) => { if ('now' in req.query) res.json({ ok: true }); else held.page.push(() => res.json({ ok: true })); });
  app.get('/api/citizens/:id', (req, res) => { if ('now' in req.query) res.json({ ok: true }); else held.lookup.push(() => res.json({ ok: true })); });
  ({ server, at: base } = await listen(app));
});

afterAll(async () => {
  for (const release of [...held.page, ...held.lookup]) release();
  await new Promise((r) => server?.close(r));
});

/** The app on a port of its own, and its address. */
async function listen(app: express.Express): Promise<{ server: Server; at: string }> {
  const server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  return { server, at: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
const closeNow = (srv: Server) => { srv.closeAllConnections(); return new Promise((r) => srv.close(r)); };
/** A class's current limit, as /metrics shows it. */
const limitOf = async (reg: Registry, cls: string) => (await reg.getSingleMetric('vaxverify_http_concurrency_limit')!.get()).values.find((v) => v.labels.class === cls)?.value;
const pageLimit = () => limitOf(registry, 'page');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pages yield to look-ups', () => {
  it('while a look-up waits for its slot the pages fall to one at a time, and get their slots back when it is served', async () => {
    expect(await pageLimit()).toBe(8);
    // A checker's question holds the one look-up slot; a second one waits: the look-ups are behind.
    const lookups = [fetch(`${base}/api/citizens/1`), fetch(`${base}/api/citizens/2`)];
    await waitFor(() => held.lookup.length === 1, 10_000, 'the first look-up held');
    // Pages keep finishing (each finish is when the limit moves, at most every 100 ms): the limit falls to 1.
    await waitFor(async () => {
      await fetch(`${base}/api/page?now`);
      await sleep(110);
      return (await pageLimit()) === 1;
    }, 20_000, 'the pages to yield down to one slot');
    // One page at a time now: of three pages, one runs and two wait.
    const pages = [fetch(`${base}/api/page`), fetch(`${base}/api/page`), fetch(`${base}/api/page`)];
    await waitFor(() => held.page.length === 1, 10_000, 'one page served');
    await sleep(200);
    expect(held.page.length).toBe(1);
    // The checkers are served at once: nothing waits, and their answers were not slow in the last second.
    held.lookup.shift()!();
    await waitFor(() => held.lookup.length === 1, 10_000, 'the second look-up admitted');
    held.lookup.shift()!();
    expect((await Promise.all(lookups)).map((r) => r.status)).toEqual([200, 200]);
    // Their averages ran slow (held): a second later that says nothing of now, and the pages grow back.
    await sleep(1_100);
    while (held.page.length > 0 || (await pageLimit())! < 2) {
      held.page.shift()?.();
      await sleep(110);
    }
    await Promise.all(pages);
    await waitFor(async () => {
      // Pages answered in 20 ms with every slot in use and more waiting: the limit grows by one per 100 ms.
      let answered = 0;
      const burst = Array.from({ length: 16 }, () => fetch(`${base}/api/page`).then(() => { answered++; }));
      while (answered < 16) {
        await sleep(20);
        for (const release of held.page.splice(0)) release();
      }
      await Promise.all(burst);
      return (await pageLimit())! >= 4;
    }, 20_000, 'the pages to get their slots back');
  }, 60_000);

  it('a class cannot yield to a class the shedder does not have', () => {
    expect(() => createShedder({ classes: { page: { concurrency: 1, queue: 1, yieldsTo: 'nobody' } }, maxWaitMs: 1, targetMs: 1, registry: new Registry() }))
      .toThrow(/yields to unknown class nobody/);
  });
});

describe('people\'s acts have slots of their own', () => {
  it('a coordinator\'s round is accepted while the pages\' slot and queue are full; a look-up and a page are classed as before', async () => {
    // The API's own classes and classifier: one page slot, one place in the pages' queue.
    const config = parseEnv({ SHED_CONCURRENCY: '1', SHED_QUEUE: '1' });
    const own = new Registry();
    const shedder = createShedder({ classes: shedClasses(config), classify: shedClassOf, maxWaitMs: 60_000, targetMs: 250, registry: own });
    const pages: (() => void)[] = [];
    const app = express();
    app.use('/api', shedder);
    app.get('/api/localities/:code/worklist', (_req, res) => { pages.push(() => res.json({ ok: true })); });
    app.post('/api/rounds', (_req, res) => { res.status(201).json({ ok: true }); });
    app.get('/api/citizens/:id/passport-eligibility', (_req, res) => { res.json({ ok: true }); });
    const { server: srv, at } = await listen(app);
    try {
      // One worklist holds the pages' slot, a second waits: the pages are full, a third is refused.
      const held = [fetch(`${at}/api/localities/09619/worklist`), fetch(`${at}/api/localities/09619/worklist`)];
      await waitFor(async () => pages.length === 1 && (await own.getSingleMetric('vaxverify_http_in_flight')!.get()).values.some((v) => v.labels.class === 'page' && v.labels.state === 'queued' && v.value === 1), 10_000, 'the pages full');
      expect((await fetch(`${at}/api/localities/09619/worklist`)).status).toBe(503);
      // The coordinator's act is served at once, in its own slot; so is a checker's question.
      const act = await fetch(`${at}/api/rounds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(act.status).toBe(201);
      expect((await fetch(`${at}/api/citizens/012345678901/passport-eligibility`)).status).toBe(200);
      const shed = (await own.getSingleMetric('vaxverify_http_shed_total')!.get()).values;
      expect(shed.filter((v) => v.value > 0).map((v) => v.labels.class)).toEqual(['page']);
      // Released one after the other, both held pages are served.
      for (let i = 0; i < 2; i++) {
        await waitFor(() => pages.length === 1, 10_000, `page ${i + 1} admitted`);
        pages.shift()!();
      }
      expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200]);
    } finally {
      for (const release of pages) release();
      await closeNow(srv);
    }
  });

  it('classes a request by its method and path alone', () => {
    const c = (method: string, originalUrl: string) => shedClassOf({ method, originalUrl });
    expect(c('GET', '/api/citizens/012345678901/passport-eligibility')).toBe('lookup');
    expect(c('GET', '/api/passport-eligibility?passport=C1234567')).toBe('lookup');
    expect(c('GET', '/api/localities/09619/worklist?limit=50')).toBe('page');
    expect(c('HEAD', '/api/citizens/012345678901/passport-eligibility')).toBe('page');
    expect(c('OPTIONS', '/api/rounds')).toBe('page');
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) expect(c(m, '/api/rounds')).toBe('act');
  });
});

describe('a class\'s own target', () => {
  it('the look-ups\' limit falls at their own target (SHED_LOOKUP_TARGET_MS) while acts as slow keep theirs', async () => {
    // Both classes answer in 150 ms: over the look-ups' 100 ms target, well under the acts' 250 ms (SHED_TARGET_MS).
    const config = parseEnv({ SHED_CONCURRENCY: '8', SHED_LOOKUP_CONCURRENCY: '8' });
    expect(config.SHED_LOOKUP_TARGET_MS).toBe(100);
    const own = new Registry();
    const shedder = createShedder({ classes: shedClasses(config), classify: shedClassOf, maxWaitMs: 60_000, targetMs: config.SHED_TARGET_MS, registry: own });
    const app = express();
    app.use('/api', shedder);
    app.post('/api/rounds', (_req, res) => { setTimeout(() => res.json({ ok: true }), 150); });
    app.get('/api/citizens/:id/passport-eligibility', (_req, res) => { setTimeout(() => res.json({ ok: true }), 150); });
    const { server: srv, at } = await listen(app);
    try {
      // One look-up and one act at a time, six times.
      for (let i = 0; i < 6; i++) {
        await fetch(`${at}/api/citizens/012345678901/passport-eligibility`);
        await fetch(`${at}/api/rounds`, { method: 'POST' });
      }
      expect(await limitOf(own, 'lookup')).toBeLessThan(8);
      expect(await limitOf(own, 'act')).toBe(8);
    } finally {
      await closeNow(srv);
    }
  });
});
