import { DelayedError, UnrecoverableError, type FlowProducer, type Job } from 'bullmq';
import type { Store } from '../src/db/store.js';
import { applyRoundTransition } from '../src/db/repositories/round-lifecycle.repository.js';
import { readRound } from '../src/db/repositories/rounds.repository.js';
import type { CompletionRule } from '../src/domain/rounds/completion.js';
import { settleRound } from '../src/rounds/settle.service.js';
import type { RoundEvents } from '../src/rounds/round-events.js';
import { recordResults } from '../src/db/repositories/record-state.repository.js';
import {
  failChunk, finishChunk, planChunks, readChunk, readChunkRecords, readSavedResults, saveResults,
} from '../src/db/repositories/verification.repository.js';
import { RegisterUnavailableError } from '../src/registry/index.js';
import type { DoseRecordInput, MatchResult } from '../src/domain/records.js';
import type { Logger } from '../src/lib/logger.js';
import {
  VERIFICATION_QUEUE,
  VerificationJob,
  planRoundSchema,
  verificationJobId,
  verificationJobOptions,
  verifyChunkSchema,
  deadlinePriority,
  type VerifyChunkData,
} from '../queues/verification.queue.js';

/** The register port's `verify` (src/registry): mirror or authority. */
export type MatchBatch = (records: DoseRecordInput[], communeCode: string) => Promise<MatchResult[]>;

/** Chunks waiting on the register, seen by operators and by the outage deadline policy (src/registry telemetry). */
export interface RegisterWaits {
  hold(jobId: string, records: number, roundId: string, circuitOpen: boolean): Promise<void>;
  release(jobId: string): Promise<void>;
}

export interface VerificationDeps {
  store: Store;
  flows: FlowProducer;
  match: MatchBatch;
  matcherVersion: string;
  chunkSize: number;
  /** Records matched and inserted per bulk write inside a chunk. */
  batchSize: number;
  /** A chunk's batches matched at once (default 1: one after the other). */
  batchesInFlight?: number;
  log: Logger;
  /** Which outcomes settle a record (the campaign's completion rule). */
  completion?: CompletionRule;
  /** A round this flow settled out of `verifying`: its effects run on the `rounds` queue (cascade, deadline side). */
  events: Pick<RoundEvents, 'settled'>;
  /** The queue a commune's chunk and settle jobs go to (province placement); default `verification`. */
  queueFor?: (communeCode: string) => Promise<string>;
  /**
   * The rank of a round's first chunk among its province's chunks of the same deadline step
   * (reserves `n`); absent: every chunk ranks 0 (deadline order, then first come, first served).
   */
  provinceRank?: (communeCode: string, deadline: Date, n: number) => Promise<number>;
  /**
   * A chunk that stepped aside cleanly forgives its earlier stalls (BullMQ's per-job stall counter,
   * `stc`, is never reset): see waitForRegister. Absent: the counter is left as BullMQ keeps it.
   */
  forgiveStalls?: (jobKey: string) => Promise<void>;
  /** Where chunks waiting on the register are counted; absent in tests of a register that never waits. */
  registerWaits?: RegisterWaits;
  /** The register port's `ready` (src/registry): asked before a chunk reads anything; absent: always ready. */
  registerReady?: () => Promise<RegisterUnavailableError | null>;
}

/** Bad job data never gets better on retry: fail it at once, visibly, on Bull Board. */
function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, data: unknown): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new UnrecoverableError(`invalid job data: ${r.error.message}`);
  return r.data;
}

export function verificationProcessor(deps: VerificationDeps) {
  return async (job: Job, token?: string): Promise<unknown> => {
    switch (job.name) {
      case VerificationJob.plan: return planRound(job, deps);
      case VerificationJob.chunk: return verifyChunk(job, deps, token);
      case VerificationJob.settle: return settleRoundJob(job, deps);
      default: throw new UnrecoverableError(`unknown job name ${job.name}`);
    }
  };
}

/** Fix the round's chunks (once), start it, and add the flow: chunk children under settle. */
async function planRound(job: Job, deps: VerificationDeps) {
  const { roundId, localityCode, generation } = parse(planRoundSchema, job.data);
  const round = await readRound(deps.store, roundId, ['status', 'localityCode', 'recordIds', 'deadline']);
  if (!round) throw new UnrecoverableError(`round ${roundId} does not exist`);
  if (round.status === 'cancelled' || round.status === 'completed') return { skipped: round.status };
  const plan = await planChunks(deps.store, round, deps.chunkSize);
  const total = plan.reduce((s, c) => s + c.size, 0);
  // A re-run planner finds the round verifying already: nothing to transition.
  await applyRoundTransition(deps.store, roundId, 'start', {
    cause: generation ? `retry ${generation}` : 'planned', ifAllowed: true,
    set: { startedAt: new Date(), totalRecords: total, chunks: plan.length },
  });
  // Deterministic IDs: a re-run planner adds nothing once the flow exists.
  const queueName = (await deps.queueFor?.(localityCode)) ?? VERIFICATION_QUEUE;
  // Provinces share the quota fairly at equal deadlines: the i-th chunk of a province ranks after every province's (i−1)-th.
  const rank = round.deadline && deps.provinceRank ? await deps.provinceRank(localityCode, round.deadline, plan.length) : 0;
  await deps.flows.add({
    name: VerificationJob.settle,
    queueName,
    data: { roundId, localityCode, generation },
    opts: { ...verificationJobOptions, jobId: verificationJobId.settle(roundId, generation) },
    children: plan.map(({ chunk }, i) => ({
      name: VerificationJob.chunk,
      queueName,
      data: { roundId, localityCode, generation, chunk } satisfies VerifyChunkData,
      // A chunk that exhausts its attempts does not block settle, which marks the round failed.
      // With less register quota than demand, rounds nearest their deadline go first (earliest deadline first).
      opts: { ...verificationJobOptions, jobId: verificationJobId.chunk(roundId, chunk, generation), ignoreDependencyOnFailure: true, priority: deadlinePriority(round.deadline, rank + i) },
    })),
  });
  return { chunks: plan.length, records: total, queue: queueName };
}

/**
 * Verify one chunk: one read of its records, then per batch the register and one insert
 * (BATCHES_IN_FLIGHT batches at once), then one bulk of the records' states and one chunk write.
 * When the register cannot be used now, the chunk steps aside as a delayed job (no attempt burnt)
 * and, when it runs again, reads what it saved already instead of asking again.
 */
async function verifyChunk(job: Job, deps: VerificationDeps, token: string | undefined) {
  const data = parse(verifyChunkSchema, job.data);
  const log = deps.log.child({ jobId: job.id, roundId: data.roundId, chunk: data.chunk, attempt: job.attemptsMade });
  let pending = 0;
  const meta = { roundId: data.roundId, localityCode: data.localityCode, chunk: data.chunk, matcherVersion: deps.matcherVersion };
  // While the register is down, a chunk woken from its wait reads nothing unless it is to send the probe:
  // every delayed chunk re-reading its records at every probe interval was most of the store's reads in an outage.
  // (A Redis that cannot say goes on to the usual path: verify meets the same Redis and fails there, counted as usual.)
  const notReady = data.waitingOn && token ? await deps.registerReady?.().catch(() => null) : null;
  if (notReady) return waitForRegister(job, deps, token!, notReady, data.waitingOn!.records);
  try {
    const chunk = await readChunk(deps.store, data.roundId, data.chunk);
    if (!chunk) throw new UnrecoverableError(`chunk ${data.chunk} of round ${data.roundId} was never planned`);
    if (chunk.status === 'done') return { skipped: 'done' };
    const chunkRecords = await readChunkRecords(deps.store, chunk.recordIds);
    let records = chunkRecords;
    const results: MatchResult[] = [];
    const state = { roundId: data.roundId, communeCode: data.localityCode, plannedAt: chunk.createdAt };
    // A run after a wait (or a crash) keeps what earlier runs saved: one read, and the register is not asked twice.
    if (job.attemptsStarted > 1) {
      const saved = await readSavedResults(deps.store, data.roundId, chunk.recordIds);
      results.push(...saved);
      const done = new Set(saved.map((r) => r.recordId));
      records = records.filter((r) => !done.has(r.recordId));
    }
    pending = records.length;
    const total = results.length + records.length;
    // One insert per batch: a crash loses at most a batch of work, and the re-run inserts only what is missing.
    // `batchesInFlight` batches are matched at once, and the inserts run one after the other behind them: the
    // register is asked for the next batches while earlier ones are searched and saved, so a chunk's calls no
    // longer stop at each batch's search and insert, nor while the store is slow (issue 26). At most
    // `batchesInFlight` batches' results wait for their insert.
    const inFlight = deps.batchesInFlight ?? 1;
    const batches: DoseRecordInput[][] = [];
    for (let i = 0; i < records.length; i += deps.batchSize) batches.push(records.slice(i, i + deps.batchSize));
    const failures: unknown[] = [];
    let saving: Promise<void> = Promise.resolve();
    let unsaved = 0;
    const save = (batch: MatchResult[]): Promise<void> => {
      unsaved++;
      saving = saving.then(async () => {
        await saveResults(deps.store, meta, batch);
        results.push(...batch);
        pending -= batch.length;
        unsaved--;
        await job.updateProgress(Math.round((results.length / total) * 100));
      });
      const mine = saving;
      mine.catch((err: unknown) => { if (!failures.includes(err)) failures.push(err); });
      return mine;
    };
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(inFlight, batches.length) }, async () => {
      while (next < batches.length && failures.length === 0) {
        const slice = batches[next++]!;
        let batch: MatchResult[];
        try { batch = await deps.match(slice, data.localityCode); } catch (err) { failures.push(err); return; }
        const saved = save(batch);
        if (unsaved > inFlight) await saved.catch(() => {});
      }
    }));
    await saving.catch(() => {});
    if (failures.length) throw oneFailure(failures);
    // The records' current state: one bulk per chunk (per batch cost the register 5 points of its quota's use in
    // bench:campaign: the store takes one bulk of 5,000 upserts far faster than 13 of 400); the round's plan time
    // orders rounds. Results saved by an earlier run go with their records' facts too (eligibility's projection).
    await recordResults(deps.store, state, results, new Date(), chunkRecords);
    await finishChunk(deps.store, data.roundId, data.chunk, results);
    if (data.waitingOn) await deps.registerWaits?.release(job.id!);
    log.info({ processed: results.length }, 'chunk verified');
    return { processed: results.length };
  } catch (err) {
    if (err instanceof RegisterUnavailableError && token) {
      // What the register answered before it stepped aside is kept (insert-once by round and record): the resumed run reads it and asks only for the rest.
      // (If the store cannot take them now, the chunk still waits: they are asked again, never lost.)
      await saveResults(deps.store, meta, err.partial).catch(() => { err.partial = []; });
      return waitForRegister(job, deps, token, err, pending - err.partial.length);
    }
    const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    // Best effort: if the store is what failed, settle still sees the chunk unfinished.
    if (last) await failChunk(deps.store, data.roundId, data.chunk, String((err as Error).message ?? err).slice(0, 500), job.attemptsMade + 1).catch(() => {});
    throw err;
  }
}

/**
 * The first failure of a chunk's batches in flight: anything but the register stepping aside (the
 * store failing, a bug) fails the attempt as usual; otherwise the register's answers every batch
 * got before it stepped aside ride together on one error, to be saved before the chunk waits.
 */
function oneFailure(failures: unknown[]): unknown {
  const other = failures.find((e) => !(e instanceof RegisterUnavailableError));
  if (other !== undefined) return other;
  const [first, ...rest] = failures as RegisterUnavailableError[];
  for (const e of rest) first!.partial = [...first!.partial, ...e.partial];
  return first;
}

/**
 * The register cannot be used now: the chunk goes back to delayed until it may be (BullMQ's
 * DelayedError: the attempt is not counted), with the reason in its data for Bull Board.
 */
async function waitForRegister(job: Job, deps: VerificationDeps, token: string, err: RegisterUnavailableError, pending: number): Promise<never> {
  const data = job.data as VerifyChunkData;
  const until = Date.now() + err.retryAfterMs;
  await deps.registerWaits?.hold(job.id!, pending, data.roundId, err.reason === 'circuit_open' || err.reason === 'maintenance');
  await job.updateData({ ...data, waitingOn: { reason: err.reason, until: new Date(until).toISOString(), records: pending } });
  await job.moveToDelayed(until, token);
  // BullMQ counts a job's stalls over its whole life and fails it past WORKER_MAX_STALLED_COUNT, without
  // running this processor (no failed chunk document; settle then fails the round: "did not finish").
  // A chunk that waits on the register is activated again and again (every quota or outage wait), so
  // on a loaded machine its rare lost locks added up until a healthy chunk failed. This activation
  // ended cleanly, with its lock: the stalls before it were not the chunk's fault. (A chunk that
  // crashes its worker never gets here, so the limit still stops it.)
  await deps.forgiveStalls?.(`${job.queueQualifiedName}:${job.id}`);
  throw new DelayedError(err.message);
}

/**
 * Settle the round (settle.service: the one writer of its counters and verification outcome)
 * once every chunk ended, then enqueue its effects (RoundEvents.settled → reconcile-round). A
 * re-run (after a crash) recomputes the same thing and enqueues the effects again, which are
 * idempotent and deduplicated: they are never skipped because the status moved already.
 */
async function settleRoundJob(job: Job, deps: VerificationDeps) {
  const { roundId } = parse(planRoundSchema, job.data);
  const settled = await settleRound({ store: deps.store, completion: deps.completion }, roundId, { chunksEnded: true });
  if (!settled) throw new UnrecoverableError(`round ${roundId} does not exist`);
  const { status, settlement } = settled;
  if (status !== 'scheduled' && status !== 'verifying') await deps.events.settled(roundId);
  return { total: settlement?.processedRecords ?? 0, counters: settlement?.counters ?? null, status };
}
