import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { createRounds, retryRound } from '../../src/rounds/rounds.service.js';
import { allQueues, closeQueues, type Queues } from '../../queues/registry.js';
import { VERIFICATION_QUEUE, createFlowProducer } from '../../queues/verification.queue.js';
import { verificationProcessor, type MatchBatch } from '../../workers/verification.processor.js';
import { createMatcher } from '../../src/registry/mirror.matcher.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { resultsPerRecord, roundCreationDeps } from '../helpers/rounds.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { insertCitizens, insertDoses, seedLocalities } from '../helpers/fixtures.js';

/**
 * The flow's settle parent writes a round's verification outcome, and it is re-runnable: enqueuing
 * the round's effects (RoundEvents.settled) failing after the transition (or a worker that dies there) is run again on retry, never
 * skipped; a chunk that fails for good fails the round visibly; a retry completes it.
 */
const SIZE = 60;
let ctx: TestContext;
let queues: Queues;
let flows: ReturnType<typeof createFlowProducer>;
let worker: Worker | undefined;
const log = createLogger({ level: 'silent' });

beforeAll(async () => {
  ctx = await createTestContext('settle');
  await seedLocalities(ctx.db.store);
  for (const code of ['00001', '00004']) {
    const citizens = makeCitizens(code, SIZE);
    await insertCitizens(ctx.db.store, citizens);
    await insertDoses(ctx.db.store, makeDoses(citizens, `S${code}`));
  }
  queues = allQueues(ctx.redis, ctx.prefix);
  flows = createFlowProducer(ctx.redis, ctx.prefix);
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await flows?.close();
  if (queues) await closeQueues(queues);
  await ctx?.close();
});

/** `settled`: the flow's RoundEvents.settled (what enqueues the round's effects), as a test double over the real store. */
function startWorker(match: MatchBatch, settled: (id: string, status: string) => Promise<void>) {
  const processor = verificationProcessor({
    store: ctx.db.store, flows, match, matcherVersion: 'test', chunkSize: 25, batchSize: 10, log,
    events: { settled: async (id) => settled(id, (await ctx.db.models.Round.findById(id, { status: 1 }).lean())!.status) },
  });
  worker = new Worker(VERIFICATION_QUEUE, processor, { connection: ctx.redis, prefix: ctx.prefix, concurrency: 2 });
  return worker;
}

const deps = () => roundCreationDeps(ctx.db.store, queues);

describe('settle-round', () => {
  it('runs the finished hook again when it threw after the round had settled (the skipped-hook case)', async () => {
    const matcher = createMatcher(ctx.db.store, log);
    const calls: string[] = [];
    let throwOnce = true;
    startWorker(matcher.match, async (id, status) => {
      calls.push(`${id}:${status}`);
      if (throwOnce) { throwOnce = false; throw new Error('hook crashed right after the transition'); }
    });
    await createRounds(deps(), { localities: ['00001'], kind: 'verification', seq: 1 });
    const id = 'verification-00001-1';
    // The first settle moved the round and its hook threw; the retried settle must run the hook again.
    await waitFor(() => calls.length >= 2, 60_000, 'the hook to run again after it threw');
    const round = await ctx.db.models.Round.findById(id).lean();
    expect(['awaiting_corrections', 'completed']).toContain(round!.status);
    expect(calls).toEqual([`${id}:${round!.status}`, `${id}:${round!.status}`]);
    expect(round!.processedRecords).toBe(SIZE);
    expect(Object.values(round!.counters ?? {}).reduce((s: number, n) => s + (n as number), 0)).toBe(SIZE);
    const settle = await queues[VERIFICATION_QUEUE].getJob(`settle__${id}`);
    expect(settle?.attemptsMade).toBeGreaterThanOrEqual(1);
    const per = await resultsPerRecord(ctx.db.store, id);
    expect(per.size).toBe(SIZE);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    await worker!.close();
  }, 90_000); // a round verified by a worker started cold (registry snapshot), then its settle retried after the hook threw (60 s wait above)

  it('a chunk that fails for good fails the round with the reason; retry completes it without a duplicate', async () => {
    const matcher = createMatcher(ctx.db.store, log);
    let broken = true;
    const calls: string[] = [];
    startWorker(async (records, commune) => {
      // The second batch of a chunk fails: the chunk has stored some results already.
      if (broken && records.some((r) => r.recordId.endsWith('000045'))) throw new UnrecoverableError('registry mirror unreadable');
      return matcher.match(records, commune);
    }, async (id, status) => { calls.push(`${id}:${status}`); });
    await createRounds(deps(), { localities: ['00004'], kind: 'verification', seq: 1 });
    const id = 'verification-00004-1';
    const failed = await waitFor(async () => {
      const r = await ctx.db.models.Round.findById(id).lean();
      return r?.status === 'failed' ? r : null;
    }, 60_000, 'the round to fail');
    expect(failed.error).toContain('registry mirror unreadable');
    expect(failed.error).toContain('chunk 1');
    const partial = await resultsPerRecord(ctx.db.store, id);
    expect(partial.size).toBeGreaterThan(0);
    expect(partial.size).toBeLessThan(SIZE);

    broken = false;
    const retried = await retryRound(deps(), id);
    expect(retried).toMatchObject({ status: 'scheduled', generation: 1 });
    await expect(retryRound(deps(), id)).rejects.toThrow(/only a failed round/);
    const done = await waitFor(async () => {
      const r = await ctx.db.models.Round.findById(id).lean();
      return r && ['awaiting_corrections', 'completed'].includes(r.status) ? r : null;
    }, 60_000, 'the retried round to finish');
    expect(done.processedRecords).toBe(SIZE);
    const per = await resultsPerRecord(ctx.db.store, id);
    expect(per.size).toBe(SIZE);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    expect(done.transitions.map((t) => t.to)).toEqual(['scheduled', 'verifying', 'failed', 'scheduled', 'verifying', done.status]);
    expect(calls).toContain(`${id}:failed`);
    // The hook runs after the settle's write: the round may read finished a moment before it is called.
    await waitFor(() => calls.includes(`${id}:${done.status}`), 30_000, `the hook for ${done.status}`);
    await worker!.close();
  }, 90_000); // two rounds through a worker started cold, one of them failed and retried
});
