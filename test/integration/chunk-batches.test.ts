import { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { createRounds } from '../../src/rounds/rounds.service.js';
import { RegisterUnavailableError } from '../../src/registry/index.js';
import { allQueues, closeQueues, type Queues } from '../../queues/registry.js';
import { VERIFICATION_QUEUE, createFlowProducer } from '../../queues/verification.queue.js';
import { verificationProcessor, type MatchBatch } from '../../workers/verification.processor.js';
import { createMatcher } from '../../src/registry/mirror.matcher.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { resultsPerRecord, roundCreationDeps } from '../helpers/rounds.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { insertCitizens, insertDoses, seedLocalities } from '../helpers/fixtures.js';

/**
 * A chunk's batches in flight (BATCHES_IN_FLIGHT, issue 26): the register is asked for the next
 * batch while the last one is still answered, searched and saved, and when the register steps aside
 * in two batches at once the answers both got are kept (nothing answered is asked again). Real
 * Redis, a real BullMQ worker and the real store; the register is the mirror matcher behind a gate.
 */
const SIZE = 60;
let ctx: TestContext;
let queues: Queues;
let flows: ReturnType<typeof createFlowProducer>;
const workers: Worker[] = [];
const log = createLogger({ level: 'silent' });

beforeAll(async () => {
  ctx = await createTestContext('batches');
  await seedLocalities(ctx.db.store);
  for (const code of ['00001', '00004']) {
    const citizens = makeCitizens(code, SIZE);
    await insertCitizens(ctx.db.store, citizens);
    await insertDoses(ctx.db.store, makeDoses(citizens, `B${code}`));
  }
  queues = allQueues(ctx.redis, ctx.prefix);
  flows = createFlowProducer(ctx.redis, ctx.prefix);
}, 60_000);

afterAll(async () => {
  for (const w of workers) await w.close();
  await flows?.close();
  if (queues) await closeQueues(queues);
  await ctx?.close();
});

/** One chunk of the whole commune, batches of 10, two in flight. */
function startWorker(match: MatchBatch) {
  const processor = verificationProcessor({
    store: ctx.db.store, flows, match, matcherVersion: 'test', chunkSize: SIZE, batchSize: 10, batchesInFlight: 2, log,
    events: { settled: async () => {} },
  });
  const w = new Worker(VERIFICATION_QUEUE, processor, { connection: ctx.redis, prefix: ctx.prefix, concurrency: 1 });
  workers.push(w);
  return w;
}

const settled = async (id: string) => ['awaiting_corrections', 'completed'].includes((await ctx.db.models.Round.findById(id, { status: 1 }).lean())?.status ?? '');

describe('a chunk with batches in flight', () => {
  it('asks for the next batch while the first is still being answered, never more than two at once', async () => {
    const matcher = createMatcher(ctx.db.store, log);
    let inFlight = 0;
    let most = 0;
    let second!: () => void;
    const secondStarted = new Promise<void>((r) => { second = r; });
    let firstSawSecond: boolean | undefined;
    const w = startWorker(async (records, commune) => {
      inFlight++;
      most = Math.max(most, inFlight);
      if (inFlight === 2) second();
      try {
        // The chunk's first batch holds its answer until the second batch is asked (at most 20 s: one after the other never gets there).
        if (firstSawSecond === undefined) {
          firstSawSecond = false;
          firstSawSecond = await Promise.race([secondStarted.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 20_000))]);
        }
        return await matcher.match(records, commune);
      } finally { inFlight--; }
    });
    await createRounds(roundCreationDeps(ctx.db.store, queues), { localities: ['00001'], kind: 'verification', seq: 1 });
    const id = 'verification-00001-1';
    await waitFor(() => settled(id), 60_000, 'the round to settle');
    expect(firstSawSecond).toBe(true);
    expect(most).toBe(2);
    const per = await resultsPerRecord(ctx.db.store, id);
    expect(per.size).toBe(SIZE);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    await w.close();
  }, 90_000);

  it('two batches stepping aside together: both keep what the register answered, and the chunk resumes with only the rest', async () => {
    const matcher = createMatcher(ctx.db.store, log);
    const asked: string[][] = [];
    let stepping = 2;
    let bothIn!: () => void;
    const together = new Promise<void>((r) => { bothIn = r; });
    let entered = 0;
    const w = startWorker(async (records, commune) => {
      asked.push(records.map((r) => r.recordId));
      const answered = await matcher.match(records, commune);
      if (stepping > 0) {
        // The first two batches (in flight together): the register answers half of each, then is away for 300 ms.
        stepping--;
        if (++entered === 2) bothIn();
        await together;
        const err = new RegisterUnavailableError(300, 'quota');
        err.partial = answered.slice(0, 5);
        throw err;
      }
      return answered;
    });
    await createRounds(roundCreationDeps(ctx.db.store, queues), { localities: ['00004'], kind: 'verification', seq: 1 });
    const id = 'verification-00004-1';
    await waitFor(() => settled(id), 60_000, 'the round to settle after the wait');
    const per = await resultsPerRecord(ctx.db.store, id);
    expect(per.size).toBe(SIZE);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    // The ten answered before the register stepped aside (five of each batch) were never asked again.
    const kept = [...asked[0]!.slice(0, 5), ...asked[1]!.slice(0, 5)];
    const after = new Set(asked.slice(2).flat());
    expect(kept.filter((r) => after.has(r))).toEqual([]);
    expect(after.size).toBe(SIZE - kept.length);
    // Their states carry their doses' facts for eligibility, like every other record's (the resumed run had written them without).
    const states = await ctx.db.models.RecordState.find({ _id: { $in: kept } }, { dose: 1, citizen: 1 }).lean<{ dose: unknown; citizen: string | null }[]>();
    expect(states).toHaveLength(kept.length);
    expect(states.filter((st) => st.dose === null || st.citizen === null)).toEqual([]);
    await w.close();
  }, 90_000);
});
