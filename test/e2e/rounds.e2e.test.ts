import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { spawnApi, spawnWorker, type Proc } from '../helpers/processes.js';
import { authEnv } from '../helpers/app-with-auth.js';
import { startOidcProvider, type OidcProvider } from '../../stand-ins/oidc/provider.js';
import { TEST_COMMUNES, makeCitizens, makeDoses } from '../helpers/seed.js';
import { insertCitizens, insertDoses, seedLocalities } from '../helpers/fixtures.js';

/**
 * The whole path in real processes: the API and two workers as child processes, real Redis,
 * the real Mongo-wire server. Small chunks so every round splits into several child jobs.
 */
const PER_COMMUNE = 400;
const FIRST_THREE = TEST_COMMUNES.slice(0, 3);
/** Records of the commune whose single chunk is killed mid-way: long enough to catch it running. */
const KILL_COMMUNE_SIZE = 1500;

let ctx: TestContext;
let api: Proc & { url: string };
let workers: Proc[] = [];
let queue: Queue;
let env: Record<string, string>;
let oidc: OidcProvider;
/** The district coordinator's script signs in with client credentials, as a real one would. */
let auth: { authorization: string };

beforeAll(async () => {
  ctx = await createTestContext('e2e');
  await seedLocalities(ctx.db.store);
  for (const code of TEST_COMMUNES) {
    const citizens = makeCitizens(code, code === '00007' ? KILL_COMMUNE_SIZE : PER_COMMUNE);
    await insertCitizens(ctx.db.store, citizens);
    await insertDoses(ctx.db.store, makeDoses(citizens, `R${code}`));
  }
  env = {
    REDIS_URL: ctx.redisUrl,
    MONGO_URL: ctx.mongoUrl,
    QUEUE_PREFIX: ctx.prefix,
    CHUNK_SIZE: '100', // 4 chunks per commune: exercises the flow's children
    BATCH_SIZE: '40',
    WORKER_CONCURRENCY: '2',
    WORKER_LOCK_MS: '2000', // a killed worker's job is taken over after ~2 s
  };
  oidc = await startOidcProvider();
  auth = { authorization: `Bearer ${await oidc.serviceToken('coord-001-script')}` };
  api = await spawnApi({ ...env, ...authEnv(oidc) });
  workers = await Promise.all([spawnWorker(env), spawnWorker(env)]);
  queue = new Queue('verification', { connection: ctx.redis, prefix: ctx.prefix });
}, 180_000); // seeding plus three cold tsx process starts on a busy 2-core machine

afterAll(async () => {
  await Promise.all([api, ...workers].filter(Boolean).map((p) => p.kill('SIGKILL')));
  await queue?.close();
  await oidc?.close();
  await ctx?.close();
});

async function post(body: unknown) {
  const res = await fetch(`${api.url}/api/rounds`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

async function roundsSettled(ids: string[]) {
  const rounds = await Promise.all(ids.map(async (id) => (await (await fetch(`${api.url}/api/rounds/${id}`, { headers: auth })).json()) as any));
  return rounds.every((r) => r.status === 'completed' || r.status === 'awaiting_corrections') ? rounds : null;
}

async function resultsPerRecord(roundId: string) {
  return ctx.db.models.VerificationResult.aggregate<{ _id: string; n: number }>([
    { $match: { roundId } },
    { $group: { _id: '$recordId', n: { $sum: 1 } } },
  ]);
}

describe('a verification round end to end', () => {
  it('verifies three localities through the API and two worker processes, one result per record', async () => {
    const first = await post({ localities: [...FIRST_THREE] });
    expect(first.status).toBe(201);
    const ids = first.body.rounds.map((r: any) => r.id).sort();
    expect(ids).toEqual(FIRST_THREE.map((c) => `verification-${c}-1`));

    const rounds = await waitFor(() => roundsSettled(ids), 150_000, 'three rounds to finish');
    for (const r of rounds) {
      if (r.totalRecords !== PER_COMMUNE) console.log('ROUND', JSON.stringify(r));
      expect(r.totalRecords).toBe(PER_COMMUNE);
      expect(r.processedRecords).toBe(PER_COMMUNE);
      expect(r.chunks).toBe(4);
      // Records were entered exactly as the registry holds them.
      expect(r.counters.verified).toBe(PER_COMMUNE);
      expect(r.transitions.map((t: any) => t.to)).toEqual(['scheduled', 'verifying', 'completed']);
    }
    for (const id of ids) {
      const per = await resultsPerRecord(id);
      expect(per).toHaveLength(PER_COMMUNE);
      expect(per.every((p) => p.n === 1)).toBe(true);
    }
    // Both worker processes took part: chunks are spread over the replicas.
    const jobs = await queue.getJobs(['completed'], 0, 1000);
    const chunks = jobs.filter((j) => j.name === 'verify-chunk');
    expect(chunks).toHaveLength(12);
    expect(new Set(chunks.map((j) => j.processedBy)).size).toBe(2);
  }, 180_000); // three localities verified by two worker processes started cold with tsx

  it('the same POST again creates no round, no job and no result', async () => {
    const before = await ctx.db.models.VerificationResult.countDocuments();
    const countsBefore = await queue.getJobCounts();
    const again = await post({ localities: [...FIRST_THREE] });
    expect(again.status).toBe(200);
    expect(again.body.rounds.every((r: any) => r.created === false)).toBe(true);
    expect(await queue.getJobCounts()).toEqual(countsBefore);
    expect(await ctx.db.models.Round.countDocuments()).toBe(3);
    expect(await ctx.db.models.VerificationResult.countDocuments()).toBe(before);
  });

  it('rejects unknown localities and malformed bodies with an answer that names the problem', async () => {
    // A code that names no locality is outside every scoped caller's area (issue 16): refused as such, named.
    const unknown = await post({ localities: ['00001', '99999'] });
    expect(unknown.status).toBe(403);
    expect(unknown.body.error.message).toContain('99999');
    const bad = await post({ localities: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('body.localities');
    expect(await ctx.db.models.Round.countDocuments()).toBe(3);
  });

  it('graceful shutdown: SIGTERM stops both workers cleanly', async () => {
    const codes = await Promise.all(workers.map((w) => w.kill('SIGTERM')));
    expect(codes).toEqual([0, 0]);
  });

  it('a worker SIGKILLed mid-job loses and duplicates nothing once another worker takes over', async () => {
    // One big chunk in small batches (150 bulk writes), so the job runs long enough to be killed in the middle.
    const victim = await spawnWorker({ ...env, CHUNK_SIZE: '100000', BATCH_SIZE: '10', WORKER_CONCURRENCY: '1' });
    workers = [victim];
    const res = await post({ localities: ['00007'] });
    expect(res.status).toBe(201);
    const roundId = 'verification-00007-1';
    const { VerificationResult } = ctx.db.models;
    await waitFor(async () => (await VerificationResult.countDocuments({ roundId })) > 0, 120_000, 'the chunk to be under way');
    expect(await victim.kill('SIGKILL')).toBe('SIGKILL');
    // What the killed worker left behind, counted after it died: the test means something only if
    // it died mid-chunk (some results, not all, and its chunk job not finished).
    const partial = await VerificationResult.countDocuments({ roundId });
    expect(partial).toBeGreaterThan(0);
    expect(partial, 'the victim finished the chunk before it was killed').toBeLessThan(KILL_COMMUNE_SIZE);
    expect((await queue.getJob(`chunk__${roundId}__0`))?.finishedOn).toBeFalsy();

    const rescuer = await spawnWorker({ ...env, CHUNK_SIZE: '100000', BATCH_SIZE: '200' });
    workers = [rescuer];
    const [round] = await waitFor(() => roundsSettled([roundId]), 180_000, 'the rescued round to finish').catch(async (err) => {
      const jobs = await Promise.all(['plan', 'chunk', 'settle'].map((k) => queue.getJob(k === 'chunk' ? `chunk__${roundId}__0` : `${k}__${roundId}`)));
      const state = await Promise.all(jobs.map(async (j) => `${j?.id}: ${j ? await j.getState() : 'none'} ${j?.failedReason ?? ''}`));
      throw new Error(`${(err as Error).message}\n${state.join('\n')}\n${JSON.stringify(await ctx.db.models.VerificationChunk.find({ roundId }, { recordIds: 0 }).lean())}\n${rescuer.output().slice(-3000)}`);
    });
    expect(round.processedRecords).toBe(KILL_COMMUNE_SIZE);
    const per = await resultsPerRecord(roundId);
    expect(per).toHaveLength(KILL_COMMUNE_SIZE);
    expect(per.every((p) => p.n === 1)).toBe(true);
    const chunk = await queue.getJob('chunk__verification-00007-1__0');
    expect(chunk?.finishedOn).toBeTruthy();
  }, 240_000); // includes the ~2 s lock expiry and a cold worker start
});
