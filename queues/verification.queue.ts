import { Queue, FlowProducer, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { z } from 'zod';

/** Queue of verification and correction rounds, one locality at a time. */
export const VERIFICATION_QUEUE = 'verification';

/** Job names inside the queue: a planner per round, its chunk children, and the settle parent. */
export const VerificationJob = {
  plan: 'plan-round',
  chunk: 'verify-chunk',
  settle: 'settle-round',
} as const;

const roundId = z.string().regex(/^[a-z]+-[0-9]{2,5}-[0-9]+$/, 'round id like verification-00001-1');
/** 0 for the first run of a round, then one more per operator retry (new job IDs, same chunks). */
const generation = z.number().int().nonnegative().default(0);

/** The planner's and the settle parent's data: which round, where, which run. */
export const planRoundSchema = z.object({ roundId, localityCode: z.string().regex(/^\d{2,5}$/), generation });
/** A chunk job names its chunk only: membership lives in the chunk document the planner wrote. */
export const verifyChunkSchema = planRoundSchema.extend({
  chunk: z.number().int().nonnegative(),
  /** Set while the chunk waits on the population register (shown on Bull Board): why, until when, how many records. */
  waitingOn: z.object({ reason: z.string().max(40), until: z.string().max(40), records: z.number().int().nonnegative() }).optional(),
});

export type PlanRoundData = z.input<typeof planRoundSchema>;
export type VerifyChunkData = z.input<typeof verifyChunkSchema>;
export type VerificationJobData = PlanRoundData | VerifyChunkData;

const gen = (g = 0) => (g > 0 ? `__r${g}` : '');
/** Deterministic job IDs: the same round enqueued twice is one job. BullMQ forbids ':' in IDs. */
export const verificationJobId = {
  plan: (roundId: string, g?: number) => `plan__${roundId}${gen(g)}`,
  chunk: (roundId: string, chunk: number, g?: number) => `chunk__${roundId}__${chunk}${gen(g)}`,
  settle: (roundId: string, g?: number) => `settle__${roundId}${gen(g)}`,
};

/** BullMQ's highest priority number (lowest priority): 2^21. */
const MAX_PRIORITY = 2_097_152;
const PRIORITY_EPOCH = Date.UTC(2026, 0, 1);
const DEADLINE_STEP_MS = 3_600_000;
/** Places per deadline step for the chunks' ranks within their province (round robin across provinces). */
const FAIR_SLOTS = 32;
/**
 * A chunk's priority (lower runs first) from its round's deadline, in one-hour steps since 2026, and
 * its rank among its province's chunks of that step (`rank`: 0 for a province's first chunk). So
 * the register's quota serves rounds nearest their deadline first, and among equal deadlines every
 * province's first chunk before any province's second (up to FAIR_SLOTS − 1, then first come, first
 * served): a province whose rounds came last is not starved by one that came with many. 2^21 / 32
 * one-hour steps reach 2033; later deadlines share the lowest priority.
 */
export function deadlinePriority(deadline: Date | null | undefined, rank = 0): number {
  if (!deadline) return MAX_PRIORITY;
  const step = Math.max(0, Math.floor((deadline.getTime() - PRIORITY_EPOCH) / DEADLINE_STEP_MS));
  return Math.min(MAX_PRIORITY, 1 + step * FAIR_SLOTS + Math.min(FAIR_SLOTS - 1, Math.max(0, rank)));
}

/** The deadline step a priority counts in (the key of a province's chunk ranks). */
export const deadlineStep = (deadline: Date) => Math.floor(deadline.getTime() / DEADLINE_STEP_MS);

export const verificationJobOptions: DefaultJobOptions = {
  // Transient failures (Mongo failover, Redis blip) retry with backoff; bad data is Unrecoverable.
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  // Keep finished jobs long enough for operators to look at them on Bull Board.
  removeOnComplete: { age: 7 * 24 * 3600, count: 50_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

/** `name`: a province group's queue (`verification-<group>`, queues/province-groups.queue.ts). */
export function createVerificationQueue(connection: ConnectionOptions, prefix: string, name: string = VERIFICATION_QUEUE) {
  return new Queue<VerificationJobData>(name, {
    connection,
    prefix,
    defaultJobOptions: verificationJobOptions,
  });
}

export function createFlowProducer(connection: ConnectionOptions, prefix: string) {
  return new FlowProducer({ connection, prefix });
}
