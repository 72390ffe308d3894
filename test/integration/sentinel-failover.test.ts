import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/config/index.js';
import { createRedis, redisOptionsFromConfig } from '../../queues/connection.js';
import { VERIFICATION_QUEUE, createVerificationQueue } from '../../queues/verification.queue.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { freePort } from '../helpers/own-servers.js';
import { spawnApi, spawnWorker, type Proc } from '../helpers/processes.js';
import { authEnv } from '../helpers/app-with-auth.js';
import { postAsService, startOidcProvider, type OidcProvider } from '../../stand-ins/oidc/provider.js';
import { TEST_COMMUNES, makeCitizens, makeDoses } from '../helpers/seed.js';
import { insertCitizens, insertDoses, seedLocalities } from '../helpers/fixtures.js';

/**
 * Redis high availability: a primary, a replica and three sentinels of our own (redis-server
 * --sentinel, the binary Debian's redis-sentinel package links to) on free local ports; two
 * real worker processes and the API connected through the sentinels (REDIS_SENTINELS). The
 * primary is SIGKILLed mid-round; the sentinels promote the replica, the workers follow it, and
 * every round finishes with exactly one result per record, every chunk done once, no job failed.
 * Then the API, whose producer connection sat idle through the failover, enqueues the next
 * round on the new primary.
 */
const MASTER = 'vvtest';
const PER_COMMUNE = 250;
const TOTAL = PER_COMMUNE * TEST_COMMUNES.length;
let ctx: TestContext;
let dir: string;
const servers = new Map<string, ChildProcess>();
let ports: { primary: number; replica: number; sentinels: number[] };
let workers: Proc[] = [];
let api: Proc & { url: string };
let oidc: OidcProvider;
let client: Redis;
let sentinelEnv: Record<string, string>;
/** A client that finds the primary through the sentinels, as the workers do. */
function sentinelClient(): Redis {
  const r = createRedis(sentinelEnv.REDIS_URL, 'worker', redisOptionsFromConfig(parseEnv(sentinelEnv)));
  // Refused connections to the killed primary while ioredis asks the sentinels for the new one.
  r.on('error', () => {});
  return r;
}

function startRedis(name: string, args: string[]): ChildProcess {
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  servers.set(name, child);
  return child;
}

async function ping(port: number): Promise<boolean> {
  const r = createRedis(`redis://127.0.0.1:${port}`, 'producer', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on('error', () => {});
  try { await r.connect(); return (await r.ping()) === 'PONG'; } catch { return false; } finally { r.disconnect(); }
}

/** The replica's link to the primary is up: it holds the primary's data set and follows its stream. */
async function replicaInSync(port: number): Promise<boolean> {
  const r = createRedis(`redis://127.0.0.1:${port}`, 'producer', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on('error', () => {});
  try { await r.connect(); return /master_link_status:up/.test(await r.info('replication')); } catch { return false; } finally { r.disconnect(); }
}

/** What the sentinels say the primary is (one of them is enough: they agree once failover is over). */
async function primaryPort(sentinel: number): Promise<number | null> {
  const r = createRedis(`redis://127.0.0.1:${sentinel}`, 'producer', { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  r.on('error', () => {});
  try {
    await r.connect();
    const addr = (await r.call('SENTINEL', 'get-master-addr-by-name', MASTER)) as [string, string] | null;
    return addr ? Number(addr[1]) : null;
  } catch { return null; } finally { r.disconnect(); }
}

beforeAll(async () => {
  ctx = await createTestContext('sentinel');
  dir = mkdtempSync(join(tmpdir(), 'vv-sentinel-'));
  ports = { primary: await freePort(), replica: await freePort(), sentinels: [await freePort(), await freePort(), await freePort()] };
  // The production settings of docs/deploy.md: AOF every second, never evict.
  const common = ['--bind', '127.0.0.1', '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', ''];
  startRedis('primary', ['--port', String(ports.primary), '--dir', mkdtempSync(join(dir, 'p-')), ...common]);
  startRedis('replica', ['--port', String(ports.replica), '--dir', mkdtempSync(join(dir, 'r-')), ...common, '--replicaof', '127.0.0.1', String(ports.primary)]);
  await waitFor(() => ping(ports.primary), 20_000, 'the primary');
  await waitFor(() => ping(ports.replica), 20_000, 'the replica');
  // The initial full sync waits for the primary's startup AOF rewrite; a primary killed before it
  // ends would take everything with it (no replica holds the data yet). Production starts rounds
  // long after its replicas are in sync; the test waits for that too.
  await waitFor(() => replicaInSync(ports.replica), 30_000, 'the replica to finish its initial sync');
  for (const [i, port] of ports.sentinels.entries()) {
    const conf = join(dir, `sentinel-${i}.conf`);
    // Quorum 2 of 3; a primary silent for 1 s is down (production: 5-10 s, docs/deploy.md).
    writeFileSync(conf, [
      `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
      `sentinel monitor ${MASTER} 127.0.0.1 ${ports.primary} 2`,
      `sentinel down-after-milliseconds ${MASTER} 1000`,
      `sentinel failover-timeout ${MASTER} 10000`,
      `sentinel parallel-syncs ${MASTER} 1`, '',
    ].join('\n'));
    startRedis(`sentinel-${i}`, [conf, '--sentinel']);
  }
  for (const port of ports.sentinels) await waitFor(async () => (await primaryPort(port)) === ports.primary, 20_000, `sentinel ${port}`);

  await seedLocalities(ctx.db.store);
  for (const code of TEST_COMMUNES) {
    const citizens = makeCitizens(code, PER_COMMUNE);
    await insertCitizens(ctx.db.store, citizens);
    await insertDoses(ctx.db.store, makeDoses(citizens, `H${code}`));
  }
  const env = {
    REDIS_URL: 'redis://127.0.0.1:1', // with sentinels only the password and db of the URL count
    REDIS_SENTINELS: ports.sentinels.map((p) => `127.0.0.1:${p}`).join(','),
    REDIS_SENTINEL_NAME: MASTER,
    MONGO_URL: ctx.mongoUrl, QUEUE_PREFIX: ctx.prefix,
    WORKER_QUEUES: VERIFICATION_QUEUE, CHUNK_SIZE: '50', BATCH_SIZE: '25', WORKER_CONCURRENCY: '2',
    WORKER_LOCK_MS: '5000', // a chunk whose lock was lost with the primary is taken over after ~5 s
  };
  sentinelEnv = env;
  client = sentinelClient();
  oidc = await startOidcProvider();
  [api, ...workers] = await Promise.all([spawnApi({ ...env, ...authEnv(oidc) }), spawnWorker(env), spawnWorker(env)]);
}, 180_000); // three Redis servers and three sentinels of our own, then the API and two worker processes started cold with tsx

/** As a district coordinator's script, as the campaign's tools do. */
const post = (path: string, body: unknown) => postAsService(oidc, 'coord-001-script', `${api.url}${path}`, body);

afterAll(async () => {
  await Promise.all([...workers, ...(api ? [api] : [])].map((w) => w.kill('SIGKILL')));
  await oidc?.close();
  client?.disconnect();
  for (const child of servers.values()) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all([...servers.values()].map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  if (dir) rmSync(dir, { recursive: true, force: true });
  await ctx?.close();
});

describe('Redis Sentinel failover', () => {
  it('a client whose reconnect is cut off by the failover detector connects again instead of staying closed', async () => {
    // What ioredis's failover detector does on +switch-master (connector.disconnect()), done at the
    // moment that ends a plain ioredis client for good: while it reconnects (ioredis#1683).
    const c = sentinelClient();
    try {
      expect(await c.ping()).toBe('PONG');
      const internals = c as unknown as { stream: { destroy(): void }; connector: { disconnect(): void } };
      const ended = new Promise<void>((r) => c.once('end', () => r()));
      c.once('connecting', () => internals.connector.disconnect());
      internals.stream.destroy();
      await ended;
      // The plain client answers "Connection is closed." from here on; this one is back.
      expect(await c.ping()).toBe('PONG');
      expect(c.status).toBe('ready');
    } finally {
      c.disconnect();
    }
  });

  it('a round survives the primary being killed mid-round: failover, every record verified exactly once, and the API enqueues the next round on the new primary', async () => {
    const queue = createVerificationQueue(client, ctx.prefix);
    // Refused connections to the killed primary are the point of the test, not news (BullMQ prints unheard queue errors).
    queue.on('error', () => {});
    try {
      const posted = await post('/api/rounds', { localities: [...TEST_COMMUNES], seq: 1 });
      expect(posted.status, JSON.stringify(posted.body)).toBe(201);
      const ids = TEST_COMMUNES.map((c) => `verification-${c}-1`);
      const results = () => ctx.db.models.VerificationResult.countDocuments({ roundId: { $in: ids } });
      // Mid-round: some results stored, most not.
      await waitFor(async () => { const n = await results(); return n > 0 && n < TOTAL / 2; }, 90_000, 'the round to be under way');
      expect(await replicaInSync(ports.replica)).toBe(true);
      servers.get('primary')!.kill('SIGKILL');
      const atKill = await results();

      await waitFor(async () => (await primaryPort(ports.sentinels[0]!)) === ports.replica, 60_000, 'the sentinels to promote the replica');
      try {
        await waitFor(async () => {
          const rounds = await ctx.db.models.Round.find({ _id: { $in: ids } }, { status: 1 }).lean();
          return rounds.length === ids.length && rounds.every((r) => ['awaiting_corrections', 'completed'].includes(r.status));
        }, 180_000, 'every round to settle after the failover');
      } catch (err) {
        // Say where it stopped: the rounds, their chunks, the jobs the new primary holds, the workers' last lines.
        const rounds = await ctx.db.models.Round.find({ _id: { $in: ids } }, { status: 1, processedRecords: 1 }).lean();
        const chunks = await ctx.db.models.VerificationChunk.find({ roundId: { $in: ids } }, { status: 1, roundId: 1, chunk: 1 }).lean();
        const notDone = chunks.filter((c) => c.status !== 'done').map((c) => `${c.roundId}#${String(c.chunk)}:${c.status}`);
        const counts = await queue.getJobCounts().catch((e: unknown) => String(e));
        const tails = workers.map((w) => w.output().split('\n').slice(-15).join('\n'));
        throw new Error(`${(err as Error).message}\nrounds ${JSON.stringify(rounds)}\nchunks not done ${JSON.stringify(notDone)}` +
          `\njobs ${JSON.stringify(counts)}\nresults ${await results()} of ${TOTAL}, ${atKill} at the kill\n${tails.join('\n---\n')}`);
      }
      expect(atKill).toBeLessThan(TOTAL);

      // Exactly one result per record, and every record of every round has one.
      for (const [i, id] of ids.entries()) {
        const rows = await ctx.db.models.VerificationResult.find({ roundId: id }, { recordId: 1 }).lean();
        expect(rows.length, id).toBe(PER_COMMUNE);
        expect(new Set(rows.map((r) => r.recordId)).size, id).toBe(PER_COMMUNE);
        expect(rows.every((r) => r.recordId.startsWith(`H${TEST_COMMUNES[i]}-`))).toBe(true);
        const round = await ctx.db.models.Round.findById(id, { processedRecords: 1, counters: 1 }).lean();
        expect(round!.processedRecords).toBe(PER_COMMUNE);
        expect(Object.values(round!.counters ?? {}).reduce((s: number, n) => s + (n as number), 0)).toBe(PER_COMMUNE);
      }
      const chunks = await ctx.db.models.VerificationChunk.find({ roundId: { $in: ids } }, { status: 1 }).lean();
      expect(chunks.length).toBe(Math.ceil(PER_COMMUNE / 50) * ids.length);
      expect(chunks.every((c) => c.status === 'done')).toBe(true);
      // The jobs as the new primary holds them: none failed, every chunk and settle completed. Read
      // through a fresh connection found through the sentinels: the test's own client, idle through
      // the failover, may have given up on the old primary ("Connection is closed", seen once under
      // load) while the workers followed.
      const fresh = sentinelClient();
      const after = createVerificationQueue(fresh, ctx.prefix);
      const counts = await after.getJobCounts('failed', 'completed', 'waiting', 'active', 'delayed').finally(async () => { await after.close(); fresh.disconnect(); });
      expect(counts.failed).toBe(0);
      expect(counts.waiting + counts.active + counts.delayed).toBe(0);
      expect(counts.completed).toBe(chunks.length + 2 * ids.length);
      // The workers' logs show they went on after the failover (no fatal exit).
      for (const w of workers) expect(w.child.exitCode).toBeNull();

      // The API's producer connection was idle from the kill to here: its first request after
      // the failover enqueues on the new primary (no restart, no "Connection is closed"), and the
      // workers verify that round too.
      const next = await post('/api/rounds', { localities: [TEST_COMMUNES[0]], seq: 2 });
      expect(next.status, `${JSON.stringify(next.body)}\n${api.output().split('\n').slice(-10).join('\n')}`).toBe(201);
      const id2 = `verification-${TEST_COMMUNES[0]}-2`;
      await waitFor(async () => {
        const r = await ctx.db.models.Round.findById(id2, { status: 1 }).lean();
        return r && ['awaiting_corrections', 'completed'].includes(r.status);
      }, 120_000, 'the round posted after the failover to settle');
      expect(await ctx.db.models.VerificationResult.countDocuments({ roundId: id2 })).toBe(PER_COMMUNE);
      expect(api.child.exitCode).toBeNull();
    } finally {
      await queue.close();
    }
  }, 300_000); // a round, the primary killed, the sentinels' failover (down-after + election), then the rest of the round
});
