import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb, type Db } from '../../src/db/connect.js';
import { waitFor } from '../helpers/context.js';
import { FERRETDB_BIN, ownServersAvailable, startOwnStore, startOwnRedis, type OwnServer } from '../helpers/own-servers.js';
import { spawnApi, spawnWorker, type Proc } from '../helpers/processes.js';
import { authEnv } from '../helpers/app-with-auth.js';
import { postAsService, startOidcProvider, type OidcProvider } from '../../stand-ins/oidc/provider.js';
import { TEST_COMMUNES, makeCitizens, makeDoses } from '../helpers/seed.js';
import { insertCitizens, insertDoses, seedLocalities } from '../helpers/fixtures.js';

/**
 * Faults on servers this file owns (the development store in a cluster of its own and a redis-server with an AOF, on
 * free ports): workers SIGKILLed at 10 random moments of a 4-commune run, the store stopped for
 * 30 s mid-round, Redis restarted mid-round. After each: every round completes (a round that
 * failed visibly is retried through the API) and every record has exactly one result per round.
 */
const PER_COMMUNE = 300;
let store: OwnServer;
let redis: OwnServer;
let db: Db;
let api: Proc & { url: string };
let workers: Proc[] = [];
let env: Record<string, string>;
let oidc: OidcProvider;

const available = ownServersAvailable();
/** What a run without the store binary says: in CI it fails the file, locally it skips the faults and says why. */
const MISSING = `the store binary ${FERRETDB_BIN} is missing: build it with \`bash scripts/store.sh build\` (scripts/services.sh does)`;
if (!available) {
  if (process.env.CI) throw new Error(`faults.e2e: ${MISSING}`);
  console.warn(`faults.e2e skipped: ${MISSING}`);
}

beforeAll(async () => {
  if (!available) return;
  store = await startOwnStore();
  redis = await startOwnRedis();
  const mongoUrl = `${store.url}/vv_faults`;
  db = await connectDb(mongoUrl, { poolSize: 4 });
  await seedLocalities(db.store);
  for (const code of TEST_COMMUNES) {
    const citizens = makeCitizens(code, PER_COMMUNE);
    await insertCitizens(db.store, citizens);
    await insertDoses(db.store, makeDoses(citizens, `F${code}`));
  }
  env = {
    REDIS_URL: redis.url, MONGO_URL: mongoUrl, QUEUE_PREFIX: 'faults',
    CHUNK_SIZE: '60', BATCH_SIZE: '20', WORKER_CONCURRENCY: '2',
    WORKER_LOCK_MS: '2000', // a killed worker's chunk is taken over after ~2 s
  };
  oidc = await startOidcProvider();
  api = await spawnApi({ ...env, ...authEnv(oidc) });
  workers = await Promise.all([spawnWorker(env), spawnWorker(env)]);
}, 180_000); // the store and Redis of our own, the API and two worker processes started cold with tsx

afterAll(async () => {
  await Promise.all([api, ...workers].filter(Boolean).map((p) => p.kill('SIGKILL')));
  await db?.close();
  await store?.dispose();
  await redis?.dispose();
  await oidc?.close();
});

/** As a district coordinator's script. */
const post = (path: string, body?: unknown) => postAsService(oidc, 'coord-001-script', `${api.url}${path}`, body);

interface Retry { id: string; failures: number; reason: string | undefined; status: number; body: any }

/**
 * Wait until every round is finished. A round that failed visibly is retried through the API
 * once per failure (its transitions count the failures), never again while the retry runs; then
 * every retry must have been accepted as that round's next generation, and the rounds' own
 * histories must show exactly the retries posted.
 */
async function settle(ids: string[], ms: number): Promise<Retry[]> {
  const retries: Retry[] = [];
  const retriedFailures = new Map<string, number>();
  const outcome = await waitFor(async () => {
    const rounds = await db.models.Round.find({ _id: { $in: ids } }, { status: 1, error: 1, transitions: 1 }).lean();
    for (const r of rounds) {
      const failures = (r.transitions ?? []).filter((t) => t.to === 'failed').length;
      if (r.status !== 'failed' || (retriedFailures.get(r._id) ?? 0) >= failures) continue;
      retriedFailures.set(r._id, failures);
      const res = await post(`/api/rounds/${r._id}/retry`);
      retries.push({ id: r._id, failures, reason: r.error ?? undefined, status: res.status, body: res.body });
      if (res.status !== 202) return 'a retry was refused'; // stop waiting: asserted below
    }
    const finished = rounds.length === ids.length && rounds.every((r) => ['awaiting_corrections', 'completed'].includes(r.status));
    return finished && 'finished';
  }, ms, `rounds ${ids.join(', ')} to finish`);
  for (const x of retries) {
    // The n-th failure of a round is retried as its n-th generation, and it failed with a reason.
    expect({ status: x.status, body: x.body }, x.id).toEqual({ status: 202, body: { id: x.id, status: 'scheduled', generation: x.failures } });
    expect(x.reason, x.id).toBeTruthy();
  }
  expect(outcome).toBe('finished');
  const rounds = await db.models.Round.find({ _id: { $in: ids } }, { transitions: 1 }).lean();
  const retriedPerRound = Object.fromEntries(ids.map((id) => [id, retries.filter((x) => x.id === id).length]));
  const historyPerRound = Object.fromEntries(
    rounds.map((r) => [r._id, (r.transitions ?? []).filter((t) => t.from === 'failed' && t.to === 'scheduled').length]),
  );
  expect(historyPerRound).toEqual(retriedPerRound);
  if (retries.length) console.log(`retried: ${retries.map((x) => `${x.id}#${x.failures} (${x.reason})`).join('; ')}`);
  return retries;
}

async function expectOneResultPerRecord(seq: number) {
  for (const code of TEST_COMMUNES) {
    const roundId = `verification-${code}-${seq}`;
    const rows = await db.models.VerificationResult.find({ roundId }, { recordId: 1 }).lean();
    const ids = rows.map((r) => r.recordId);
    expect(new Set(ids).size, roundId).toBe(ids.length);
    expect(ids.length, roundId).toBe(PER_COMMUNE);
    const round = await db.models.Round.findById(roundId).lean();
    expect(round!.processedRecords, roundId).toBe(PER_COMMUNE);
  }
}

async function startRun(seq: number) {
  const res = await post('/api/rounds', { localities: [...TEST_COMMUNES], seq });
  expect(res.status).toBe(201);
  return TEST_COMMUNES.map((c) => `verification-${c}-${seq}`);
}

const someResults = (seq: number) => async () =>
  (await db.models.VerificationResult.countDocuments({ roundId: { $in: TEST_COMMUNES.map((c) => `verification-${c}-${seq}`) } })) > 0;

describe.skipIf(!available)('faults on servers this test owns', () => {
  it('workers SIGKILLed at 10 random moments: every record one result per round', async () => {
    const ids = await startRun(1);
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 200 + Math.floor(Math.random() * 1500))); // the random moment
      const victim = workers.splice(Math.floor(Math.random() * workers.length), 1)[0]!;
      expect(await victim.kill('SIGKILL')).toBe('SIGKILL');
      workers.push(await spawnWorker(env));
    }
    await settle(ids, 240_000);
    await expectOneResultPerRecord(1);
  }, 420_000); // 10 SIGKILLs at random moments, each followed by a restart of the worker process and its lock expiry

  it('the store stopped for 30 s mid-round, then back: rounds finish (or fail visibly and retry) without a duplicate', async () => {
    const ids = await startRun(2);
    await waitFor(someResults(2), 60_000, 'the run to be under way');
    await store.stop();
    await new Promise((r) => setTimeout(r, 30_000)); // the outage itself, not a wait for a condition
    await store.start();
    await settle(ids, 240_000);
    await expectOneResultPerRecord(2);
  }, 360_000); // a deliberate 30 s store outage mid-round, the retries after it, then the rest of the rounds

  it('Redis restarted mid-round: rounds finish without a duplicate', async () => {
    const ids = await startRun(3);
    await waitFor(someResults(3), 60_000, 'the run to be under way');
    await redis.stop();
    await redis.start();
    await settle(ids, 240_000);
    await expectOneResultPerRecord(3);
  }, 300_000); // Redis restarted mid-round, the stalled bound and re-plan, then the rest of the rounds
});
