import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { VERIFICATION_QUEUE, VerificationJob, verificationJobId } from '../../queues/verification.queue.js';
import { waitFor } from '../helpers/context.js';
import { TEST_COMMUNES, makeCitizens, makeDoses } from '../helpers/seed.js';
import { startStack, type Stack } from './corrections-setup.js';
import { insertCitizens, insertDoses } from '../helpers/fixtures.js';

/**
 * Issue 27, part 4, a partial loss: Redis keeps some keys of a run and loses others (an
 * asynchronous failover that lost the last writes, an eviction). Here every chunk job of the
 * rounds under way is gone while their settle parents survive, waiting for children that will
 * never come (`waiting-children`), and the planners' records are kept. The reconciler must still
 * see the rounds as stalled (no progress for ROUND_STALLED_MS, no live job for an unfinished
 * chunk) and plan them again; every record's result is stored exactly once.
 */
const PER_COMMUNE = 200;
const COMMUNES = TEST_COMMUNES.slice(0, 3);
const ids = COMMUNES.map((c) => `verification-${c}-1`);
let s: Stack;

beforeAll(async () => {
  // Chunks of 20 (10 per round): the rounds are under way, not done, when the workers stop. A round
  // without progress for 3 s is stalled (a chunk takes well under a second); the reconciler looks every second.
  s = await startStack('partial', { CHUNK_SIZE: '20', BATCH_SIZE: '20', ROUND_STALLED_MS: '3000', ROUNDS_RECONCILE_MS: '1000' });
  for (const code of COMMUNES) {
    const citizens = makeCitizens(code, PER_COMMUNE);
    await insertCitizens(s.ctx.db.store, citizens);
    await insertDoses(s.ctx.db.store, makeDoses(citizens, `P${code}`));
  }
}, 120_000); // the stack (OIDC provider, API) and 600 citizens and doses, cold, on a shared 2-core machine

afterAll(async () => { await s?.close(); });

/** Redis forgets these jobs: their keys and their places in the queue's lists, nothing else (not their parents' dependency sets). */
async function forgetJobs(redis: Redis, prefix: string, queue: string, jobIds: string[]): Promise<void> {
  const k = `${prefix}:${queue}`;
  const m = redis.multi();
  for (const id of jobIds) {
    m.del(`${k}:${id}`, `${k}:${id}:logs`, `${k}:${id}:lock`);
    m.lrem(`${k}:wait`, 0, id).lrem(`${k}:paused`, 0, id).lrem(`${k}:active`, 0, id);
    m.zrem(`${k}:prioritized`, id).zrem(`${k}:delayed`, id);
  }
  await m.exec();
}

const resultCount = () => s.ctx.db.models.VerificationResult.countDocuments({ roundId: { $in: ids } });

describe('partial Redis loss: chunk jobs gone, their settle parents kept', () => {
  it('the reconciler re-plans the rounds and each record is verified exactly once', async () => {
    const verification = s.queues[VERIFICATION_QUEUE];
    await s.startWorker();
    const posted = await s.post('/api/rounds', { localities: COMMUNES });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    await waitFor(async () => { const n = await resultCount(); return n > 0 && n < PER_COMMUNE * COMMUNES.length / 2; }, 60_000, 'the rounds to be under way');
    // The workers stop (their active chunks end first), then Redis loses only the chunk jobs not yet run.
    await s.stopWorkers();
    const unrun = (await verification.getJobs(['waiting', 'prioritized', 'delayed'])).filter((j) => j.name === VerificationJob.chunk);
    expect(unrun.length).toBeGreaterThan(0);
    const hit = [...new Set(unrun.map((j) => j.data.roundId as string))];
    await forgetJobs(s.ctx.redis, s.ctx.prefix, VERIFICATION_QUEUE, unrun.map((j) => j.id!));
    // What survived: the hit rounds' settle parents, waiting for children that no longer exist.
    for (const id of hit) expect(await (await verification.getJob(verificationJobId.settle(id)))!.getState()).toBe('waiting-children');
    expect((await verification.getJobs(['waiting', 'prioritized', 'delayed'])).filter((j) => j.name === VerificationJob.chunk)).toHaveLength(0);

    await s.startWorker();
    try {
      await waitFor(async () => {
        const rounds = await s.ctx.db.models.Round.find({ _id: { $in: ids } }, { status: 1 }).lean();
        return rounds.length === ids.length && rounds.every((r) => ['awaiting_corrections', 'completed'].includes(r.status));
      }, 90_000, 'every round to settle after the reconciler planned the hit ones again'); // 3 s stalled bound + re-plan + the rest of the chunks
    } finally {
      await s.stopWorkers();
    }

    for (const [i, id] of ids.entries()) {
      const rows = await s.ctx.db.models.VerificationResult.find({ roundId: id }, { recordId: 1 }).lean();
      expect(rows.length, id).toBe(PER_COMMUNE);
      expect(new Set(rows.map((r) => r.recordId)).size, id).toBe(PER_COMMUNE);
      expect(rows.every((r) => r.recordId.startsWith(`P${COMMUNES[i]}-`))).toBe(true);
      const round = await s.round(id);
      expect(round.processedRecords, id).toBe(PER_COMMUNE);
    }
    // Each hit round was planned again once, by the reconciler (no person), under its next generation.
    const replanned = await s.ctx.db.models.Round.find({ _id: { $in: hit } }, { replans: 1, generation: 1 }).lean();
    for (const r of replanned) {
      expect(r.generation, r._id).toBe(1);
      expect(r.replans.map((p) => p.cause), r._id).toEqual([expect.stringMatching(/^no job in Redis/)]);
    }
  }, 180_000); // workers start cold twice (registry snapshot), the rounds to mid-way, then the 90 s settle wait above
});
