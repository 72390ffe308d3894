import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/index.js';
import { shedClasses } from '../../src/http/app.js';
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
  server = await new Promise<Server>((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const release of [...held.page, ...held.lookup]) release();
  await new Promise((r) => server?.close(r));
});

const pageLimit = async () => ((await registry.getSingleMetric('vaxverify_http_concurrency_limit')!.get()).values.find((v) => v.labels.class === 'page')?.value);
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
