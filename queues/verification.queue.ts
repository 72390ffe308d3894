import { Queue, FlowProducer, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { z } from 'zod';

/** Queue of verification and correction rounds, one locality at a time. */
export const VERIFICATION_QUEUE = 'verification';

/** Job names inside the queue: a planner per round, its chunk children, and the finaliser parent. */
export const VerificationJob = {
  plan: 'plan-round',
  chunk: 'verify-chunk',
  finalize: 'finalize-round',
} as const;

const roundId = z.string().regex(/^[a-z]+-[0-9]{2,5}-[0-9]+$/, 'round id like verification-00001-1');

export const planRoundSchema = z.object({ roundId, localityCode: z.string().regex(/^\d{2,5}$/) });
export const verifyChunkSchema = planRoundSchema.extend({
  chunk: z.number().int().nonnegative(),
  /** Inclusive lower and exclusive upper recordId bound of the chunk (null = open). */
  fromRecordId: z.string().nullable(),
  toRecordId: z.string().nullable(),
  /** For correction rounds: exactly these records (IDs only, never personal data). */
  recordIds: z.array(z.string()).optional(),
});
export const finalizeRoundSchema = planRoundSchema;

export type PlanRoundData = z.infer<typeof planRoundSchema>;
export type VerifyChunkData = z.infer<typeof verifyChunkSchema>;
export type FinalizeRoundData = z.infer<typeof finalizeRoundSchema>;

/** Deterministic job IDs: the same round enqueued twice is one job. BullMQ forbids ':' in IDs. */
export const verificationJobId = {
  plan: (roundId: string) => `plan__${roundId}`,
  chunk: (roundId: string, chunk: number) => `chunk__${roundId}__${chunk}`,
  finalize: (roundId: string) => `finalize__${roundId}`,
};

export const verificationJobOptions: DefaultJobOptions = {
  // Transient failures (Mongo failover, Redis blip) retry with backoff; bad data is Unrecoverable.
  attempts: 5,
  backoff: { type: 'exponential', delay: 2_000 },
  // Keep finished jobs long enough for operators to look at them on Bull Board.
  removeOnComplete: { age: 7 * 24 * 3600, count: 50_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export function createVerificationQueue(connection: ConnectionOptions, prefix: string) {
  return new Queue<PlanRoundData | VerifyChunkData | FinalizeRoundData>(VERIFICATION_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: verificationJobOptions,
  });
}

export function createFlowProducer(connection: ConnectionOptions, prefix: string) {
  return new FlowProducer({ connection, prefix });
}
