import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createLogger } from '../../src/lib/logger.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { callers, startAppWithAuth, type AppWithAuth } from '../helpers/app-with-auth.js';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

/** Eligibility look-ups are limited per identity in Redis, so the limit holds across API replicas. */
let ctx: TestContext;
let a: AppWithAuth;
let b: Server;
let bBase: string;

beforeAll(async () => {
  ctx = await createTestContext('ratelimit');
  a = await startAppWithAuth(ctx, { env: { ELIGIBILITY_RATE_PER_MIN: '3' } });
  // A second replica: same config, same Redis, own process state.
  b = createApp({ config: a.config, db: ctx.db, queues: a.queues, redis: ctx.redis, log: createLogger({ level: 'silent' }) }).listen(0, '127.0.0.1');
  await new Promise((r) => b.once('listening', r));
  bBase = `http://127.0.0.1:${(b.address() as AddressInfo).port}`;
});
afterAll(async () => {
  b?.closeAllConnections();
  await new Promise((r) => b?.close(r));
  await a?.close();
  await ctx?.close();
});

describe('eligibility rate limit', () => {
  it('counts one identity across two replicas, answers 429 with retry-after, and leaves others alone', async () => {
    const onB = callers(bBase, a.oidc.tokenFor);
    const path = '/api/passport-eligibility?passport=B7654321';
    await onB('checker').token(); // sign in first: only the look-ups below should take time
    // The limit counts per fixed minute: start well inside one so the four calls share it.
    await waitFor(() => Date.now() % 60_000 < 45_000, 20_000, 'the start of a rate-limit window');
    const statuses = [
      (await a.as('checker').get(path)).status,
      (await onB('checker').get(path)).status,
      (await a.as('checker').get(path)).status,
    ];
    expect(statuses).toEqual([200, 200, 200]);
    const over = await onB('checker').get(path);
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('rate_limited');
    // In Vietnamese, with the figures apart for clients.
    expect(over.body.error.message).toBe('Quá nhiều yêu cầu: vui lòng chờ một lát');
    expect(over.body.error.details).toMatchObject({ bucket: 'eligibility', limit: 3, windowSeconds: 60 });
    // One counter per identity and minute, always with its expiry (set by the same Redis command that made it).
    const keys = await ctx.redis.keys(`${ctx.prefix}:rl:eligibility:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) expect(await ctx.redis.pttl(k)).toBeGreaterThan(0);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await a.as('ministry').get(path)).status).toBe(200);
    // The general API limit is separate: the checker can still call other routes it may use.
    expect((await a.as('checker').get('/api/me')).status).toBe(200);
  });
});
