import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRounds } from '../../src/rounds/rounds.service.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { openQueues } from '../helpers/queues.js';
import { roundCreationDeps } from '../helpers/rounds.js';
import { VERIFICATION_QUEUE } from '../../queues/verification.queue.js';
import { spawnWorker, type Proc } from '../helpers/processes.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { insertCitizens, insertDoses, seedLocalities } from '../helpers/fixtures.js';

/** SIGTERM while a chunk is running: the worker finishes the chunk, then exits 0. */
const RECORDS = 600;

let ctx: TestContext;
let open: ReturnType<typeof openQueues>;
let worker: Proc | undefined;

beforeAll(async () => {
  ctx = await createTestContext('shutdown');
  await seedLocalities(ctx.db.store);
  const citizens = makeCitizens('00001', RECORDS);
  await insertCitizens(ctx.db.store, citizens);
  await insertDoses(ctx.db.store, makeDoses(citizens, 'S'));
  open = openQueues(ctx);
}, 120_000);

afterAll(async () => {
  await worker?.kill('SIGKILL');
  await open?.close();
  await ctx?.close();
});

describe('graceful shutdown', () => {
  it('finishes the active job before exiting, so nothing is left half-done', async () => {
    worker = await spawnWorker({
      REDIS_URL: ctx.redisUrl, MONGO_URL: ctx.mongoUrl, QUEUE_PREFIX: ctx.prefix,
      WORKER_QUEUES: 'verification', CHUNK_SIZE: '100000', BATCH_SIZE: '20', WORKER_CONCURRENCY: '1',
      SHUTDOWN_TIMEOUT_MS: '180000',
    });
    const [round] = await createRounds(roundCreationDeps(ctx.db.store, open.queues), {
      localities: ['00001'], kind: 'verification', seq: 1,
    });
    const { VerificationResult } = ctx.db.models;
    await waitFor(async () => {
      const n = await VerificationResult.countDocuments({ roundId: round!.id });
      return n > 0 && n < RECORDS;
    }, 120_000, 'the chunk to be running');

    expect(await worker.kill('SIGTERM')).toBe(0);
    // The chunk completed inside the shutdown: every record has its result, none stalled.
    expect(await VerificationResult.countDocuments({ roundId: round!.id })).toBe(RECORDS);
    const chunk = await open.queues[VERIFICATION_QUEUE].getJob(`chunk__${round!.id}__0`);
    expect(await chunk!.getState()).toBe('completed');
    expect(worker.output()).toContain('"msg":"shutdown complete"');
  }, 240_000); // a worker process started cold, a long job begun, then a SIGTERM that waits for it to finish
});
