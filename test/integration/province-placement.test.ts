import { upsertLocalities } from '../../src/imports/localities.import.js';
import type { AdminUnit } from '../../src/domain/admin-units/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv, type Config } from '../../src/config/index.js';
import { connectDb, type Db } from '../../src/db/connect.js';
import { createLogger } from '../../src/lib/logger.js';
import { roundCreationDeps } from '../helpers/rounds.js';
import { createRounds } from '../../src/rounds/rounds.service.js';
import { allQueues, closeQueues, type Queues } from '../../queues/registry.js';
import { VERIFICATION_QUEUE, createFlowProducer } from '../../queues/verification.queue.js';
import { createGroupQueues, groupQueueName } from '../../queues/province-groups.queue.js';
import { processors } from '../../workers/processors.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { insertCitizens, insertDoses } from '../helpers/fixtures.js';

/**
 * Province placement (PROVINCE_GROUPS=a=01;b=02): the planner puts each round's chunks on its
 * province group's queue, and a worker serving group A's queue never receives one document of
 * group B's citizens (or dose records) from the store: every reply its connection gets is
 * inspected (driver command monitoring). The workers are built by workers/processors.ts, as
 * workers/main.ts builds them, on the MongoDB path (province snapshots; on a store without
 * indexed `$in` the snapshot is the whole registry and placement only splits the work).
 */
const COMMUNES = { '01': ['00001', '00004'], '02': ['00688', '00691'] } as const;
const PER_COMMUNE = 45;
const CHUNK = 20;
let ctx: TestContext;
let queues: Queues;
let config: Config;
const closers: (() => Promise<unknown>)[] = [];
const statsDir = mkdtempSync(join(tmpdir(), 'vv-placement-'));
const log = createLogger({ level: 'silent' });

/** A worker "process": its own store connection (whose replies are recorded), serving `queue`. */
async function startWorker(queue: string) {
  const db: Db = await connectDb(ctx.mongoUrl, { poolSize: 4, autoIndex: false, statsFile: join(statsDir, `${queue}.json`) });
  const received: { ns: string; communeCode?: string }[] = [];
  db.connection.getClient().on('commandSucceeded', (ev) => {
    const cursor = (ev.reply as { cursor?: { ns?: string; firstBatch?: unknown[]; nextBatch?: unknown[] } }).cursor;
    for (const doc of (cursor?.firstBatch ?? cursor?.nextBatch ?? []) as { communeCode?: string }[]) received.push({ ns: cursor!.ns ?? '', communeCode: doc.communeCode });
  });
  const flows = createFlowProducer(ctx.redis, ctx.prefix);
  const workerQueues = allQueues(ctx.redis, ctx.prefix);
  const processor = await processors[VERIFICATION_QUEUE]!({ config, db, queues: workerQueues, flows, log });
  const worker = new Worker(queue, processor, { connection: ctx.redis, prefix: ctx.prefix, concurrency: 2 });
  closers.push(() => worker.close(), () => flows.close(), () => closeQueues(workerQueues), () => db.close());
  return { received, worker };
}

const roundsOf = (province: keyof typeof COMMUNES) => COMMUNES[province].map((c) => `verification-${c}-1`);
const settled = async (ids: string[]) => (await ctx.db.models.Round.find({ _id: { $in: ids } }, { status: 1 }).lean())
  .filter((r) => ['awaiting_corrections', 'completed'].includes(r.status)).length === ids.length;
const citizensOf = (received: { ns: string; communeCode?: string }[]) => received.filter((d) => d.ns.endsWith('.citizens'));

beforeAll(async () => {
  ctx = await createTestContext('placement');
  config = parseEnv({ REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, QUEUE_PREFIX: ctx.prefix, PROVINCE_GROUPS: 'a=01;b=02', CHUNK_SIZE: String(CHUNK), BATCH_SIZE: '10' });
  const units = [
    { code: '01', level: 'province', parentCode: null, provinceCode: '01', districtCode: null },
    { code: '001', level: 'district', parentCode: '01', provinceCode: '01', districtCode: '001' },
    ...COMMUNES['01'].map((code) => ({ code, level: 'commune', parentCode: '001', provinceCode: '01', districtCode: '001' })),
    { code: '02', level: 'province', parentCode: null, provinceCode: '02', districtCode: null },
    { code: '024', level: 'district', parentCode: '02', provinceCode: '02', districtCode: '024' },
    ...COMMUNES['02'].map((code) => ({ code, level: 'commune', parentCode: '024', provinceCode: '02', districtCode: '024' })),
  ];
  await upsertLocalities(ctx.db.store, units.map((u) => ({ ...u, name: `Unit ${u.code}`, type: u.level }) as AdminUnit));
  for (const code of [...COMMUNES['01'], ...COMMUNES['02']]) {
    const citizens = makeCitizens(code, PER_COMMUNE);
    await insertCitizens(ctx.db.store, citizens);
    await insertDoses(ctx.db.store, makeDoses(citizens, `P${code}`));
  }
  queues = allQueues(ctx.redis, ctx.prefix);
}, 120_000); // two provinces' communes seeded with PER_COMMUNE citizens and doses each, on a shared 2-core machine

// Workers and queues a test started are closed with it (the leak guard checks each test).
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => {});
});

afterAll(async () => {
  if (queues) await closeQueues(queues);
  await ctx?.close();
  rmSync(statsDir, { recursive: true, force: true });
});

describe('province placement', () => {
  it("routes each province's chunks to its group's queue; group A's worker never loads group B's citizens", async () => {
    const planner = await startWorker(VERIFICATION_QUEUE);
    const a = await startWorker(groupQueueName('a'));
    // The API's path: one request for both provinces, planner jobs on `verification`.
    await createRounds(roundCreationDeps(ctx.db.store, queues), { localities: ['01', '02'], kind: 'verification', seq: 1 });

    await waitFor(() => settled(roundsOf('01')), 90_000, "province 01's rounds to settle on group a's worker");
    // Province 02's rounds are planned, and their chunks wait on group b's queue for a worker of b.
    const [groupB] = createGroupQueues(ctx.redis, ctx.prefix, [{ name: 'b', provinces: ['02'] }]);
    closers.push(() => groupB!.close());
    const chunksB = Math.ceil(PER_COMMUNE / CHUNK) * COMMUNES['02'].length;
    // Chunks carry their round's deadline as a BullMQ priority (issue 26: nearest deadline first), so they wait as 'prioritized'.
    await waitFor(async () => {
      const c = await groupB!.getJobCounts('waiting', 'prioritized');
      return (c.waiting ?? 0) + (c.prioritized ?? 0) === chunksB;
    }, 30_000, "group b's chunks to be waiting");
    const b02 = await ctx.db.models.Round.find({ _id: { $in: roundsOf('02') } }, { status: 1 }).lean();
    expect(b02.map((r) => r.status)).toEqual(['verifying', 'verifying']);
    expect(await ctx.db.models.VerificationResult.countDocuments({ localityCode: { $in: [...COMMUNES['02']] } })).toBe(0);

    // Group a's worker received exactly province 01's citizens (one snapshot), nothing of 02.
    const aCitizens = citizensOf(a.received);
    expect(aCitizens.length).toBe(PER_COMMUNE * COMMUNES['01'].length);
    const aCommunes = new Set(a.received.map((d) => d.communeCode).filter(Boolean));
    expect([...aCommunes].sort()).toEqual([...COMMUNES['01']]);
    // The planner reads record IDs only: no citizen at all.
    expect(citizensOf(planner.received)).toEqual([]);

    // A worker for group b finishes province 02, having loaded 02's citizens only.
    const b = await startWorker(groupQueueName('b'));
    await waitFor(() => settled(roundsOf('02')), 90_000, "province 02's rounds to settle on group b's worker");
    expect(citizensOf(b.received).length).toBe(PER_COMMUNE * COMMUNES['02'].length);
    expect([...new Set(b.received.map((d) => d.communeCode).filter(Boolean))].sort()).toEqual([...COMMUNES['02']]);
    expect(citizensOf(a.received).length).toBe(PER_COMMUNE * COMMUNES['01'].length);

    // Every record has exactly one result.
    for (const id of [...roundsOf('01'), ...roundsOf('02')]) {
      const rows = await ctx.db.models.VerificationResult.find({ roundId: id }, { recordId: 1 }).lean();
      expect(rows.length).toBe(PER_COMMUNE);
      expect(new Set(rows.map((r) => r.recordId)).size).toBe(PER_COMMUNE);
    }
    // No chunk ran on the country-wide queue.
    const done = await queues[VERIFICATION_QUEUE].getJobs(['completed'], 0, -1);
    expect(done.map((j) => j.name).filter((n) => n !== 'plan-round')).toEqual([]);
  }, 240_000); // rounds in two provinces verified by two group workers each loading its own registry snapshot, cold
});
