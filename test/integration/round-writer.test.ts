import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUNDS_QUEUE, RoundsJob } from '../../queues/rounds.queue.js';
import { queuedRoundEvents } from '../../src/rounds/round-events.js';
import { createCorrectionRound } from '../../src/rounds/correction-round.service.js';
import { waitFor } from '../helpers/context.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { pendingRoundJobs, roundCreationDeps } from '../helpers/rounds.js';
import { startStack, type Stack } from './corrections-setup.js';

/**
 * Issue 27, part 1: the API never writes a round. An act enqueues the round's one writer
 * (settle-round on the `rounds` queue, deduplicated by round); with no worker running nothing
 * changes, and once one starts the change lands exactly once. Acts are idempotent: a double
 * click makes one correction round; a correction round with nothing to correct is refused.
 */
const COMMUNE = '00007';
const ROUND = `verification-${COMMUNE}-1`;
const citizens = makeCitizens(COMMUNE, 30);
const doses = makeDoses(citizens, `W${COMMUNE}`);
// A person the register does not know (no ID, a name no citizen has): explained below.
Object.assign(doses[3]!, { fullName: 'Đinh Công Tráng', idNumber: '' });
// A birth year only: the matcher suggests the full date, confirmed below (a correction round).
doses[4]!.dateOfBirth = doses[4]!.dateOfBirth.slice(0, 4);
// Another unknown person left open: the coordinator's re-verification takes it.
Object.assign(doses[5]!, { fullName: 'Vi Thị Sáu Mươi', idNumber: '' });
let s: Stack;

beforeAll(async () => {
  s = await startStack('writer', {}, COMMUNE);
  await s.verifyCommune(citizens, doses, ['awaiting_corrections']);
  // Every job of the verification is done (its effects too): then the workers stop.
  await waitFor(async () => (await pendingRoundJobs(s.queues)) === 0, 30_000, 'the verification round\'s effects');
  await s.stopWorkers();
}, 180_000); // the stack (OIDC provider, API, workers) and a whole verification round, cold, on a shared 2-core machine

afterAll(async () => { await s?.close(); });

const settleJobsOf = async (roundId: string) =>
  (await s.queues[ROUNDS_QUEUE].getJobs(['waiting', 'active', 'delayed'])).filter((j) => j.name === RoundsJob.settle && j.data.roundId === roundId);
const roundState = async () => {
  const r = await s.round(ROUND);
  return { status: r.status, settles: r.settles, explainedRecords: r.explainedRecords, transitions: r.transitions.length, counters: r.counters };
};

describe('one writer per round, through the queue', () => {
  it('a correction posted with no worker running changes no round until a worker starts, then exactly once', async () => {
    const before = await roundState();
    const explain = { recordId: doses[3]!.recordId, baseVersion: 0, decision: 'explain', explanation: 'Người nước ngoài tạm trú' };
    const first = await s.post('/api/corrections', explain);
    expect(first.status).toBe(201);
    // A double click: the same correction again is the same correction.
    const again = await s.post('/api/corrections', explain);
    expect(again).toMatchObject({ status: 200, body: { created: false } });
    const confirm = await s.post('/api/corrections', { recordId: doses[4]!.recordId, baseVersion: 0, decision: 'confirm' });
    expect(confirm.status).toBe(201);
    const correctionRound = confirm.body.correctionRound as string;
    expect(correctionRound).toBe(`correction-${COMMUNE}-1`);

    // Nothing wrote the verification round: its status, counters and settle count are as they were.
    expect(await roundState()).toEqual(before);
    expect((await s.round(correctionRound)).status).toBe('scheduled');
    // Three acts on one round: one settle waiting for a worker.
    expect(await settleJobsOf(ROUND)).toHaveLength(1);

    await s.startWorker();
    await s.waitRound(correctionRound, ['completed']);
    const after = await waitFor(async () => {
      const r = await roundState();
      return (await pendingRoundJobs(s.queues)) === 0 && r.status !== 'correction_round' && r.transitions > before.transitions ? r : null;
    }, 60_000, 'the verification round to be settled after its correction round');
    // The explanation counted once; the correction round started and ended once.
    expect(after.explainedRecords).toBe(before.explainedRecords + 1);
    const moves = (await s.round(ROUND)).transitions.slice(before.transitions).map((t: any) => `${t.from}→${t.to}`);
    expect(moves).toEqual(['awaiting_corrections→correction_round', `correction_round→${after.status}`]);
    expect(await s.ctx.db.models.Round.countDocuments({ kind: 'correction' })).toBe(1);
    const results = await s.ctx.db.models.VerificationResult.find({ roundId: correctionRound }, { recordId: 1 }).lean();
    expect(results.map((r) => r.recordId)).toEqual([doses[4]!.recordId]);
    await s.stopWorkers();
  }, 120_000); // workers start cold (first registry snapshot), then a correction round and two settles of its verification round

  it('a double click on "re-verify" makes one correction round; nothing to re-verify is refused and changes no count', async () => {
    const path = `/api/localities/${COMMUNE}/correction-rounds`;
    const [a, b] = await Promise.all([s.post(path, { reason: 'sổ hộ khẩu mới' }, 'admin'), s.post(path, { reason: 'sổ hộ khẩu mới' }, 'admin')]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.roundId).toBe(b.body.roundId);
    const third = await s.post(path, { reason: 'bấm lần nữa' }, 'admin');
    expect(third).toMatchObject({ status: 200, body: { roundId: a.body.roundId, created: false } });
    expect(await s.ctx.db.models.Round.countDocuments({ kind: 'correction' })).toBe(2);
    const audited = await s.ctx.db.models.AuditEntry.countDocuments({ action: 'correction-round.enqueue' });
    expect(audited).toBe(1);

    // Nothing to correct: refused in Vietnamese, no round, no job, no count moved.
    const before = await roundState();
    const jobs = await pendingRoundJobs(s.queues);
    const deps = roundCreationDeps(s.ctx.db.store, s.queues, s.config);
    await expect(createCorrectionRound(deps, COMMUNE, [])).rejects.toMatchObject({ status: 409, code: 'nothing_to_verify', message: expect.stringMatching(/^Không có bản ghi nào/) });
    const empty = await s.post('/api/localities/00004/correction-rounds', { reason: 'không có gì' }, 'admin');
    expect(empty.status).toBe(409);
    expect(empty.body.error.code).toBe('nothing_to_verify');
    expect(await s.ctx.db.models.Round.countDocuments({ kind: 'correction' })).toBe(2);
    expect(await pendingRoundJobs(s.queues)).toBe(jobs);
    expect(await roundState()).toEqual(before);
  }, 60_000); // four API calls that read the worklist (one concurrent pair): seconds, more on a loaded machine
});

describe('settle-round deduplication (BullMQ keepLastIfActive)', () => {
  it('a change arriving while the round settles leaves exactly one more settle behind it', async () => {
    const queue = new Queue(ROUNDS_QUEUE, { connection: s.ctx.redis, prefix: `${s.ctx.prefix}-dedup` });
    const events = queuedRoundEvents(queue);
    const runs: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const worker = new Worker(ROUNDS_QUEUE, async (job) => {
      runs.push(job.data.roundId);
      if (runs.length === 1) await held; // the first settle stays active until the changes below are in
    }, { connection: s.ctx.redis, prefix: `${s.ctx.prefix}-dedup`, concurrency: 4 });
    try {
      await events.changed('verification-00001-1');
      await waitFor(() => runs.length === 1, 10_000, 'the first settle to be active');
      // Three changes while it runs: kept as one settle after it, never a parallel one.
      for (let i = 0; i < 3; i++) await events.changed('verification-00001-1');
      expect(runs).toHaveLength(1);
      release();
      await waitFor(async () => runs.length === 2 && (await queue.count()) === 0, 10_000, 'the one settle after it');
      expect((await queue.getJobCounts('completed')).completed).toBe(2);
      expect(runs).toEqual(['verification-00001-1', 'verification-00001-1']);
      // Idle round: a change is one settle.
      await events.changed('verification-00001-1');
      await waitFor(() => runs.length === 3, 10_000, 'a settle for a change on an idle round');
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  }, 30_000); // three short jobs through real Redis; the waits inside are bounded at 10 s each
});
