import { UnrecoverableError, type FlowProducer, type Job, type Queue } from 'bullmq';
import type { Models } from '../src/db/models/index.js';
import { applyRoundTransition } from '../src/db/repositories/round-lifecycle.repository.js';
import { evaluateCompletion, type CompletionRule } from '../src/domain/rounds/completion.js';
import {
  computeChunkBoundaries,
  countOutcomes,
  readChunkRecords,
  saveResults,
} from '../src/db/repositories/verification.repository.js';
import type { DoseRecordInput, MatchResult } from '../src/domain/records.js';
import type { Logger } from '../src/lib/logger.js';
import {
  VERIFICATION_QUEUE,
  VerificationJob,
  finalizeRoundSchema,
  planRoundSchema,
  verificationJobId,
  verificationJobOptions,
  verifyChunkSchema,
  type VerifyChunkData,
} from '../queues/verification.queue.js';

export type MatchBatch = (records: DoseRecordInput[]) => Promise<MatchResult[]>;

export interface VerificationDeps {
  models: Models;
  queue: Queue;
  flows: FlowProducer;
  match: MatchBatch;
  matcherVersion: string;
  chunkSize: number;
  batchSize: number;
  log: Logger;
  /** Which outcomes settle a record (the campaign's completion rule). */
  completion?: CompletionRule;
  /** Called after a round's status changes (deadline timers, notifications). */
  onRoundFinished?: (roundId: string, status: string) => Promise<void>;
}

/** Bad job data never gets better on retry: fail it at once, visibly, on Bull Board. */
function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, data: unknown): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new UnrecoverableError(`invalid job data: ${r.error.message}`);
  return r.data;
}

export function verificationProcessor(deps: VerificationDeps) {
  return async (job: Job): Promise<unknown> => {
    switch (job.name) {
      case VerificationJob.plan: return planRound(job, deps);
      case VerificationJob.chunk: return verifyChunk(job, deps);
      case VerificationJob.finalize: return finalizeRound(job, deps);
      default: throw new UnrecoverableError(`unknown job name ${job.name}`);
    }
  };
}

/** Fix the round's chunk plan (once) and add the flow: chunk children under a finaliser. */
async function planRound(job: Job, deps: VerificationDeps) {
  const { roundId, localityCode } = parse(planRoundSchema, job.data);
  const { Round } = deps.models;
  let round = await Round.findById(roundId).lean();
  if (!round) throw new UnrecoverableError(`round ${roundId} does not exist`);
  if (round.status === 'cancelled' || round.status === 'completed') return { skipped: round.status };

  // FerretDB 1.x applies an update by rewriting the whole document, so a concurrent write to
  // the same round (a deadline hook, say) can undo this one. Write, read back, and write again
  // until the plan and the status both hold; on MongoDB the first pass always does.
  for (let attempt = 1; ; attempt++) {
    if (!round.chunkBoundaries) {
      const plan = round.recordIds
        ? { boundaries: round.recordIds.length ? [''] : [], total: round.recordIds.length }
        : await computeChunkBoundaries(deps.models, localityCode, deps.chunkSize);
      // First write wins: a planner re-run after a crash keeps the plan already stored.
      await Round.updateOne(
        { _id: roundId, chunkBoundaries: { $exists: false } },
        { $set: { chunkBoundaries: plan.boundaries, totalRecords: plan.total, chunks: plan.boundaries.length } },
      );
    }
    // A re-run planner finds the round verifying already: nothing to transition.
    await applyRoundTransition(Round, roundId, 'start', { cause: 'planned', set: { startedAt: new Date() }, ifAllowed: true });
    const reread = await Round.findById(roundId).lean();
    if (!reread) throw new UnrecoverableError(`round ${roundId} disappeared`);
    round = reread;
    if (round.chunkBoundaries && round.status !== 'scheduled') break;
    // Transient: BullMQ retries the job with backoff.
    if (attempt === 5) throw new Error(`round ${roundId}: the chunk plan did not persist after ${attempt} writes`);
  }
  const planned = round;
  const boundaries = planned.chunkBoundaries ?? [];

  // The finaliser's deterministic ID makes a re-run planner a no-op once the flow exists.
  if (await deps.queue.getJob(verificationJobId.finalize(roundId))) return { chunks: boundaries.length, existed: true };
  const children = boundaries.map((from, i) => {
    const data: VerifyChunkData = {
      roundId,
      localityCode,
      chunk: i,
      fromRecordId: planned.recordIds ? null : from,
      toRecordId: planned.recordIds ? null : (boundaries[i + 1] ?? null),
      ...(planned.recordIds ? { recordIds: planned.recordIds } : {}),
    };
    return {
      name: VerificationJob.chunk,
      queueName: VERIFICATION_QUEUE,
      data,
      opts: { ...verificationJobOptions, jobId: verificationJobId.chunk(roundId, i) },
    };
  });
  await deps.flows.add({
    name: VerificationJob.finalize,
    queueName: VERIFICATION_QUEUE,
    data: { roundId, localityCode },
    opts: { ...verificationJobOptions, jobId: verificationJobId.finalize(roundId) },
    children,
  }, { queuesOptions: { [VERIFICATION_QUEUE]: { defaultJobOptions: verificationJobOptions } } });
  await job.updateProgress(100);
  return { chunks: boundaries.length, records: planned.totalRecords };
}

/** Match one chunk's records batch by batch, upserting one result per record. */
async function verifyChunk(job: Job, deps: VerificationDeps) {
  const data = parse(verifyChunkSchema, job.data);
  const log = deps.log.child({ jobId: job.id, roundId: data.roundId, chunk: data.chunk, attempt: job.attemptsMade });
  let processed = 0;
  const expected = data.recordIds?.length ?? deps.chunkSize;
  for await (const batch of readChunkRecords(deps.models, { communeCode: data.localityCode, ...data }, deps.batchSize)) {
    const results = await deps.match(batch);
    await saveResults(deps.models, { roundId: data.roundId, localityCode: data.localityCode, chunk: data.chunk, matcherVersion: deps.matcherVersion }, results);
    processed += batch.length;
    await job.updateProgress(Math.min(100, Math.round((processed / expected) * 100)));
  }
  const { total } = await countOutcomes(deps.models, data.roundId);
  await deps.models.Round.updateOne({ _id: data.roundId }, { $max: { processedRecords: total } });
  log.info({ processed }, 'chunk verified');
  return { processed };
}

/** All chunks done: recompute the counters from the results and settle the round's status. */
async function finalizeRound(job: Job, deps: VerificationDeps) {
  const { roundId } = parse(finalizeRoundSchema, job.data);
  const { Round } = deps.models;
  const { counters, total } = await countOutcomes(deps.models, roundId);
  const round = await Round.findById(roundId, { totalRecords: 1, explainedRecords: 1, expectedRecords: 1 }).lean();
  if (!round) throw new UnrecoverableError(`round ${roundId} does not exist`);
  const { complete } = evaluateCompletion({ ...round, counters, processedRecords: total, finished: true }, deps.completion);
  let moved: Awaited<ReturnType<typeof applyRoundTransition>> = null;
  // Read back, as the planner does: FerretDB 1.x can lose an update to a concurrent writer.
  for (let attempt = 1; attempt <= 5; attempt++) {
    moved = (await applyRoundTransition(Round, roundId, complete ? 'all_resolved' : 'verification_done', {
      cause: 'verification finished',
      set: { counters, processedRecords: total, finishedAt: new Date() },
      // A retried finaliser finds the round settled already; only the counters are refreshed.
      ifAllowed: true,
      where: { status: 'verifying' },
    })) ?? moved;
    if ((await Round.findById(roundId, { status: 1 }).lean())?.status !== 'verifying') break;
  }
  if (!moved) await Round.updateOne({ _id: roundId }, { $set: { counters, processedRecords: total } });
  else await deps.onRoundFinished?.(roundId, moved.status);
  await job.updateProgress(100);
  return { total, counters, status: moved?.status ?? 'unchanged' };
}
