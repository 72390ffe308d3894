import { randomUUID } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { startAppWithAuth, type AppWithAuth } from '../helpers/app-with-auth.js';
import { makeCitizens } from '../helpers/seed.js';
import { connectDb, type Db } from '../../src/db/connect.js';
import { recordCommands } from '../helpers/explain-plan.js';

/**
 * The API sheds load by concurrency and queue time (src/http/shed.ts), on the real app with its
 * real Redis and store: one slot and one place in the queue of people's acts (SHED_ACT_CONCURRENCY=1,
 * SHED_ACT_QUEUE=1). The slot is held by a signed-in POST whose body is not sent yet (express.json waits for it):
 * saturation forced, not timed. The next request waits; one more finds the queue full and is
 * answered 503 + Retry-After at once; the waiting one is answered 503 once it has waited
 * SHED_MAX_WAIT_MS; when the slot frees, requests are served again. Look-ups (eligibility) are a
 * class of their own, with one slot and one place too (SHED_LOOKUP_*): while the acts' slot and
 * queue are full, a checker's question is served at once, neither queued nor shed; and its store
 * read goes over the look-ups' own connections (LOOKUP_POOL_SIZE), never the pages' pool.
 */
let ctx: TestContext;
let app: AppWithAuth;
let lookupDb: Db;
// Command monitoring is on when a stats file is given: the test records what each connection sent.
const statsFile = join(tmpdir(), `vv-shed-lookups-${randomUUID()}.json`);

beforeAll(async () => {
  ctx = await createTestContext('shed');
  // 300 ms of queue time: long enough that the queue-full request arrives while the first one waits.
  lookupDb = await connectDb(ctx.mongoUrl, { poolSize: 2, autoIndex: false, statsFile });
  app = await startAppWithAuth(ctx, { lookupDb, env: { SHED_CONCURRENCY: '1', SHED_QUEUE: '1', SHED_LOOKUP_CONCURRENCY: '1', SHED_LOOKUP_QUEUE: '1', SHED_ACT_CONCURRENCY: '1', SHED_ACT_QUEUE: '1', SHED_MAX_WAIT_MS: '300' } });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await lookupDb?.close();
  await ctx?.close();
  await rm(statsFile, { force: true });
});

/** A POST to /api/rounds with its headers sent and its body held back: the request holds its slot. */
async function holdSlot(token: string): Promise<{ req: ClientRequest; done: Promise<number> }> {
  const url = new URL(`${app.base}/api/rounds`);
  let req!: ClientRequest;
  const done = new Promise<number>((resolve, reject) => {
    req = httpRequest({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': '2' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  req.flushHeaders();
  return { req, done };
}

const metrics = async () => (await app.as('operator').fetch('/metrics')).text();

describe('load shedding', () => {
  it('answers 503 with Retry-After when the queue is full and when a request waited too long, then serves again', async () => {
    const admin = app.as('admin');
    const checker = app.as('checker');
    await checker.token();
    const held = await holdSlot(await admin.token());
    // /metrics is outside /api (never shed): it shows the slot taken, then the request waiting.
    await waitFor(async () => /^vaxverify_http_in_flight\{class="act",state="active"\} 1$/m.test(await metrics()), 10_000, 'the held request admitted');
    const waiting = admin.post('/api/rounds', {});
    await waitFor(async () => /^vaxverify_http_in_flight\{class="act",state="queued"\} 1$/m.test(await metrics()), 10_000, 'a request waiting');
    const full = await admin.post('/api/rounds', {});
    expect(full.status).toBe(503);
    expect(full.headers.get('retry-after')).toBe('1');
    expect(full.body.error.code).toBe('overloaded');
    expect(full.body.error.message).toMatch(/quá tải/);
    // The waiting request is shed once it has waited SHED_MAX_WAIT_MS: never served late, never timed out.
    const waited = await waiting;
    expect(waited.status).toBe(503);
    expect(waited.headers.get('retry-after')).toBe('1');
    // Free the slot: the held request runs (and is refused by validation), then requests are served.
    held.req.end('{}');
    expect(await held.done).toBe(400);
    expect((await admin.post('/api/rounds', {})).status).toBe(400);
    expect((await checker.get('/api/me')).status).toBe(200);
  });

  it('a slow class saturated neither sheds nor queues a look-up: eligibility has slots of its own', async () => {
    const admin = app.as('admin');
    const checker = app.as('checker');
    const held = await holdSlot(await admin.token());
    await waitFor(async () => /^vaxverify_http_in_flight\{class="act",state="active"\} 1$/m.test(await metrics()), 10_000, 'the held act admitted');
    const waiting = admin.post('/api/rounds', {});
    await waitFor(async () => /^vaxverify_http_in_flight\{class="act",state="queued"\} 1$/m.test(await metrics()), 10_000, 'an act waiting');
    // The acts' slot and queue are full: another act is shed at once…
    expect((await admin.post('/api/rounds', {})).status).toBe(503);
    // …and a checker's questions are answered, one after the other, in the look-ups' own slot.
    const [citizen] = makeCitizens('00001', 1);
    for (let i = 0; i < 3; i++) {
      const look = await checker.get(`/api/citizens/${citizen!.personalId}/passport-eligibility`);
      expect(look.status).toBe(200);
      expect(look.body).toMatchObject({ kind: 'citizen', eligible: false, reason: 'no_doses' });
    }
    // Their reads went over the look-ups' own connections.
    const recording = recordCommands(lookupDb.connection.getClient());
    expect((await checker.get(`/api/citizens/${citizen!.personalId}/passport-eligibility`)).status).toBe(200);
    recording.stop();
    expect(recording.sent.map((c) => `${c.name} ${c.command[c.name]}`)).toContain('find recordStates');
    const passport = await checker.get('/api/passport-eligibility?passport=C1234567');
    expect(passport.status).toBe(200);
    const text = await metrics();
    expect(text).toMatch(/^vaxverify_http_in_flight\{class="lookup",state="queued"\} 0$/m);
    expect(text).not.toMatch(/^vaxverify_http_shed_total\{class="lookup"/m);
    expect((await waiting).status).toBe(503);
    held.req.end('{}');
    expect(await held.done).toBe(400);
  });

  it('counts what it shed on /metrics, by class and reason', async () => {
    const text = await metrics();
    expect(text).toMatch(/^vaxverify_http_shed_total\{class="act",reason="queue_full"\} [1-9]/m);
    expect(text).toMatch(/^vaxverify_http_shed_total\{class="act",reason="waited_too_long"\} [1-9]/m);
    expect(text).toMatch(/^vaxverify_http_concurrency_limit\{class="act"\} 1$/m);
    expect(text).toMatch(/^vaxverify_http_concurrency_limit\{class="page"\} 1$/m);
    expect(text).toMatch(/^vaxverify_http_concurrency_limit\{class="lookup"\} 1$/m);
  });
});
