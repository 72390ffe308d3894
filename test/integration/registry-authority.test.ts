import { Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv, type Config } from '../../src/config/index.js';
import { InMemoryRegistry, matchRecordsSync } from '../../src/domain/matching/index.js';
import type { Citizen, DoseRecordInput } from '../../src/domain/records.js';
import { createLogger } from '../../src/lib/logger.js';
import { createRounds } from '../../src/rounds/rounds.service.js';
import { allQueues, closeQueues, type Queues } from '../../queues/registry.js';
import { VERIFICATION_QUEUE, createFlowProducer } from '../../queues/verification.queue.js';
import { processors } from '../../workers/processors.js';
import { DEFAULT_REGISTRY_CLIENT, startRegistryStandIn, type RegistryStandInOptions } from '../../stand-ins/registry/server.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { TEST_COMMUNES, insertDoses, makeCitizens, makeDoses, seedLocalities } from '../helpers/seed.js';

/**
 * REGISTRY_MODE=authority end to end: the real stand-in over HTTP, workers built by
 * workers/processors.ts against real Redis and the real store, rounds created as the API does.
 * Each test has its own queue prefix (Redis: quota, breaker, telemetry) and its own rounds.
 */
const PER_COMMUNE = 40;
let ctx: TestContext;
let queues: Queues;
const citizens: Citizen[] = TEST_COMMUNES.flatMap((c) => makeCitizens(c, PER_COMMUNE));
const log = createLogger({ level: 'silent' });
const open: (() => Promise<unknown>)[] = [];

/** Dose records as entered: every 5th name misspelt (a given name of another), every 7th ID without its check digit, every 11th without an ID. */
function enteredDoses(commune: string, seq: number): DoseRecordInput[] {
  return makeDoses(citizens.filter((c) => c.communeCode === commune), `R${seq}-${commune}`).map((d, i) => ({
    ...d,
    ...(i % 5 === 0 ? { fullName: d.fullName.replace(/\S+$/, 'Khánh') } : {}),
    ...(i % 7 === 0 ? { idNumber: d.idNumber.slice(0, 11) + String((Number(d.idNumber[11]) + 1) % 10) } : {}),
    ...(i % 11 === 0 ? { idNumber: '' } : {}),
  }));
}

let seq = 0;
/** A fresh prefix per scenario: its own quota, breaker, rounds' queues. */
async function scenario(standIn: RegistryStandInOptions, env: Record<string, string> = {}, workers = 1) {
  const prefix = `${ctx.prefix}-${++seq}`;
  const registry = await startRegistryStandIn({ citizens, latencyMs: [5, 30], ...standIn });
  open.push(() => registry.close());
  const config = parseEnv({
    REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, QUEUE_PREFIX: prefix, CHUNK_SIZE: '20', BATCH_SIZE: '20',
    REGISTRY_MODE: 'authority', REGISTRY_URL: registry.url, REGISTRY_CLIENT_ID: DEFAULT_REGISTRY_CLIENT.id,
    REGISTRY_CLIENT_SECRET: DEFAULT_REGISTRY_CLIENT.secret, REGISTRY_BATCH: '10', REGISTRY_PROBE_MS: '1000', ...env,
  });
  const q = allQueues(ctx.redis, prefix);
  open.push(() => closeQueues(q));
  for (let w = 0; w < workers; w++) await startWorker(config, prefix);
  return { registry, config, prefix, queues: q };
}

async function startWorker(config: Config, prefix: string) {
  const flows = createFlowProducer(ctx.redis, prefix);
  const q = allQueues(ctx.redis, prefix);
  const processor = await processors[VERIFICATION_QUEUE]!({ config, db: ctx.db, queues: q, flows, log });
  const worker = new Worker(VERIFICATION_QUEUE, processor, { connection: ctx.redis, prefix, concurrency: 4 });
  open.push(() => worker.close(), () => flows.close(), () => closeQueues(q));
}

async function roundsFor(s: { queues: Queues }, communes: readonly string[], deadline?: Date) {
  const n = ++seq;
  for (const c of communes) await insertDoses(ctx.db.models, enteredDoses(c, n));
  // Rounds select their commune's records not yet in a round of this kind: a fresh seq per call.
  const out = await createRounds({ store: ctx.db.store, verificationQueue: s.queues[VERIFICATION_QUEUE], defaultDeadlineMs: 3 * 86_400_000 }, { localities: [...communes], kind: 'verification', seq: n, ...(deadline ? { deadline } : {}) });
  return (out as { rounds?: { id: string }[] }).rounds?.map((r) => r.id) ?? communes.map((c) => `verification-${c}-${n}`);
}

const finished = async (ids: string[]) => (await ctx.db.models.Round.find({ _id: { $in: ids } }, { status: 1 }).lean())
  .filter((r) => !['scheduled', 'verifying'].includes(r.status)).length === ids.length;

async function results(roundIds: string[]) {
  return ctx.db.models.VerificationResult.find({ roundId: { $in: roundIds } }, { recordId: 1, outcome: 1, personalId: 1, reason: 1, corrections: 1 }).lean();
}

beforeAll(async () => {
  ctx = await createTestContext('registry');
  await seedLocalities(ctx.db.models);
  queues = allQueues(ctx.redis, ctx.prefix);
}, 60_000);

afterEach(async () => {
  for (const close of open.splice(0).reverse()) await close().catch(() => {});
});

afterAll(async () => {
  if (queues) await closeQueues(queues);
  await ctx?.close();
});

describe('REGISTRY_MODE=authority', () => {
  it('decides as mirror mode does where the register returns its values', async () => {
    const s = await scenario({});
    const ids = await roundsFor(s, ['00001', '00004']);
    await waitFor(() => finished(ids), 60_000, 'rounds to settle');
    const got = await results(ids);
    const records = await ctx.db.models.DoseRecord.find({ recordId: { $in: got.map((r) => r.recordId) } }).lean();
    const mirror = new Map(matchRecordsSync(records as unknown as DoseRecordInput[], InMemoryRegistry.fromCitizens(citizens)).map((r) => [r.recordId, r]));
    expect(got.length).toBe(2 * PER_COMMUNE);
    const differ = got.filter((r) => r.outcome !== mirror.get(r.recordId)?.outcome || (r.personalId ?? null) !== (mirror.get(r.recordId)?.personalId ?? null));
    expect(differ).toEqual([]);
    // The entry errors make the decisions differ between records, not between the modes.
    expect(got.some((r) => r.outcome === 'verified') && got.some((r) => r.outcome === 'corrected')).toBe(true);
  }, 90_000);

  it('without values: disagreeing records go to the commune police with the fields that disagree', async () => {
    const s = await scenario({ clients: { [DEFAULT_REGISTRY_CLIENT.id]: { secret: DEFAULT_REGISTRY_CLIENT.secret, values: false } } });
    const ids = await roundsFor(s, ['00006']);
    await waitFor(() => finished(ids), 60_000, 'round to settle');
    const got = await results(ids);
    expect(got.length).toBe(PER_COMMUNE);
    const police = got.filter((r) => r.reason?.startsWith('police to check'));
    expect(police.length).toBeGreaterThan(0);
    expect(police.every((r) => r.outcome === 'review')).toBe(true);
    expect(police.map((r) => r.reason)).toContain('police to check fullName');
  }, 90_000);
});
