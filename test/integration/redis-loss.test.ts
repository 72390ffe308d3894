import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { freePort } from '../helpers/own-servers.js';
import { spawnApi, spawnWorker, type Proc } from '../helpers/processes.js';
import { authEnv } from '../helpers/app-with-auth.js';
import { postAsService, startOidcProvider, type OidcProvider } from '../../stand-ins/oidc/provider.js';
import { TEST_COMMUNES, makeCitizens, makeDoses } from '../helpers/seed.js';
import { insertCitizens, insertDoses, seedLocalities } from '../helpers/fixtures.js';

/**
 * Issue 27, part 4: the store is the truth of a round's progress. A Redis of our own without
 * persistence (as many deployments run it, and as an asynchronous failover can lose the last
 * writes), the API and two worker processes on it. Rounds are posted, Redis is killed mid-round
 * and started again empty: the rounds reconciler (a job scheduler the workers register again on
 * reconnect) finds the rounds the store says are verifying with no job behind them and plans
 * them again; every round completes with each record's result exactly once. Before that, an
 * operator sees a stalled round on /metrics and re-drives it (audited).
 */
const PER_COMMUNE = 200;
const TOTAL = PER_COMMUNE * TEST_COMMUNES.length;
const ids = TEST_COMMUNES.map((c) => `verification-${c}-1`);
let ctx: TestContext;
let port: number;
let redis: ChildProcess | null = null;
let api: Proc & { url: string };
let workers: Proc[] = [];
let oidc: OidcProvider;
let env: Record<string, string>;

async function startRedis(): Promise<void> {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await waitFor(async () => {
    const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {}); // refused while it starts: the answer "not yet"
    try { await r.connect(); return (await r.ping()) === 'PONG'; } catch { return false; } finally { r.disconnect(); }
  }, 20_000, `redis-server on port ${port}`);
}

async function killRedis(): Promise<void> {
  const child = redis;
  redis = null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

const post = (path: string, body: unknown, client = 'coord-001-script') => postAsService(oidc, client, `${api.url}${path}`, body);

beforeAll(async () => {
  ctx = await createTestContext('redisloss');
  port = await freePort();
  await startRedis();
  await seedLocalities(ctx.db.store);
  for (const code of TEST_COMMUNES) {
    const citizens = makeCitizens(code, PER_COMMUNE);
    await insertCitizens(ctx.db.store, citizens);
    await insertDoses(ctx.db.store, makeDoses(citizens, `L${code}`));
  }
  oidc = await startOidcProvider();
  env = {
    REDIS_URL: `redis://127.0.0.1:${port}`, MONGO_URL: ctx.mongoUrl, QUEUE_PREFIX: ctx.prefix,
    // Small chunks, one at a time per worker: the rounds are still under way when Redis is killed.
    CHUNK_SIZE: '20', BATCH_SIZE: '20', WORKER_CONCURRENCY: '1',
    // A round without progress for 3 s is stalled (the test's chunks take well under a second);
    // the reconciler looks every second.
    ROUND_STALLED_MS: '3000', ROUNDS_RECONCILE_MS: '1000',
    // A chunk whose lock went with the old Redis is not waited for long.
    WORKER_LOCK_MS: '5000',
  };
  api = await spawnApi({ ...env, ...authEnv(oidc) });
}, 120_000); // seeding 800 citizens and doses, then the API process started cold with tsx

afterAll(async () => {
  await Promise.all([...workers, ...(api ? [api] : [])].map((p) => p.kill('SIGKILL')));
  await oidc?.close();
  await killRedis();
  await ctx?.close();
});

const metric = async (name: string) => {
  const res = await fetch(`${api.url}/metrics`, { headers: { authorization: `Bearer ${await oidc.tokenFor('operator')}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : null;
};

describe('when Redis forgets, the store is the truth', () => {
  it('a round whose planner Redis lost is shown stalled and an operator re-drives it (audited); a round with its job waiting is not', async () => {
    const posted = await post('/api/rounds', { localities: [TEST_COMMUNES[0]] });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    // No worker yet: its planner waits in Redis, so the round is slow, not lost.
    const early = await post(`/api/rounds/${ids[0]}/retry`, {});
    expect(early.status).toBe(409);

    // Redis loses everything (a deliberate outage: restarted empty); the store still says `scheduled`.
    await killRedis();
    await startRedis();
    await waitFor(async () => (await metric('vaxverify_rounds_stalled')) === 1, 30_000, '/metrics to count the stalled round');
    const retried = await post(`/api/rounds/${ids[0]}/retry`, {});
    expect(retried).toMatchObject({ status: 202, body: { id: ids[0], status: 'scheduled', generation: 1 } });
    const audit = await ctx.db.models.AuditEntry.findOne({ action: 'round.retry' }).lean();
    expect(audit).toMatchObject({ sub: expect.any(String), localityCode: TEST_COMMUNES[0], after: { id: ids[0], generation: 1 } });
    const round = await ctx.db.models.Round.findById(ids[0], { generation: 1, replans: 1 }).lean();
    expect(round).toMatchObject({ generation: 1, replans: [{ generation: 1, cause: 'retried by an operator' }] });
  }, 90_000); // a Redis restart and the 3 s stalled bound, polled through /metrics

  it('Redis killed mid-round and started empty: every round completes, each record verified exactly once', async () => {
    workers = await Promise.all([spawnWorker(env), spawnWorker(env)]);
    const posted = await post('/api/rounds', { localities: [...TEST_COMMUNES] });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    const results = () => ctx.db.models.VerificationResult.countDocuments({ roundId: { $in: ids } });
    // Mid-round: some results stored, most not.
    await waitFor(async () => { const n = await results(); return n > 0 && n < TOTAL / 2; }, 90_000, 'the rounds to be under way');

    // The deliberate outage: Redis dies with every plan, chunk and settle job, and comes back empty.
    await killRedis();
    const atKill = await results();
    await startRedis();

    await waitFor(async () => {
      const rounds = await ctx.db.models.Round.find({ _id: { $in: ids } }, { status: 1 }).lean();
      return rounds.length === ids.length && rounds.every((r) => ['awaiting_corrections', 'completed'].includes(r.status));
    }, 120_000, 'every round to settle after Redis came back empty') // stalled bound 3 s + re-plan + the rest of the verification on a shared 2-core machine
      .catch(async (err: Error) => {
        const rounds = await ctx.db.models.Round.find({ _id: { $in: ids } }, { status: 1, processedRecords: 1, generation: 1 }).lean();
        throw new Error(`${err.message}\nrounds ${JSON.stringify(rounds)}\n${workers.map((w) => w.output().split('\n').slice(-10).join('\n')).join('\n---\n')}`);
      });
    expect(atKill).toBeLessThan(TOTAL);

    for (const [i, id] of ids.entries()) {
      const rows = await ctx.db.models.VerificationResult.find({ roundId: id }, { recordId: 1 }).lean();
      expect(rows.length, id).toBe(PER_COMMUNE);
      expect(new Set(rows.map((r) => r.recordId)).size, id).toBe(PER_COMMUNE);
      expect(rows.every((r) => r.recordId.startsWith(`L${TEST_COMMUNES[i]}-`))).toBe(true);
      const round = await ctx.db.models.Round.findById(id, { processedRecords: 1, counters: 1 }).lean();
      expect(round!.processedRecords, id).toBe(PER_COMMUNE);
      expect(Object.values(round!.counters ?? {}).reduce((s: number, n) => s + (n as number), 0), id).toBe(PER_COMMUNE);
    }
    // The rounds under way at the kill were planned again by the reconciler, not by a person.
    const replanned = await ctx.db.models.Round.find({ _id: { $in: ids }, 'replans.cause': /^no job in Redis/ }, { _id: 1 }).lean();
    expect(replanned.length).toBeGreaterThan(0);
  }, 240_000); // two worker processes started cold, a round to mid-way, the outage, then the 120 s settle wait above
});
