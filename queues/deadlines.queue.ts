import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { z } from 'zod';
import { ESCALATION_LEVELS } from '../src/domain/rounds/policy.js';

/**
 * Deadline timers as delayed jobs in Redis (never timers in process memory): one per pending
 * reminder, one for the next escalation check, plus a periodic sweeper (job scheduler) that
 * recomputes everything from MongoDB so a lost delayed job only delays, never loses, an event.
 * Every job just triggers an idempotent reconciliation of its round; the data tells what it was for.
 */
export const DEADLINES_QUEUE = 'deadlines';

export const DeadlineJob = {
  remind: 'remind',
  deadline: 'deadline',
  sweep: 'sweep',
  /** The population register came back: its outage's deadline policy (src/registry/outage-policy.ts), once per outage. */
  registerOutage: 'register-outage',
} as const;

/** Job scheduler ID of the sweeper: one per queue prefix, however many processes upsert it. */
export const DEADLINE_SWEEPER_ID = 'deadline-sweeper';

const roundId = z.string().min(1).max(80).regex(/^[A-Za-z0-9_-]+$/, 'round id without ":"');
const isoDate = z.iso.datetime({ offset: true });

export const remindJobSchema = z.object({ roundId, offsetMs: z.number().int().positive(), deadline: isoDate });
export const deadlineJobSchema = z.object({ roundId, level: z.enum(ESCALATION_LEVELS), dueAt: isoDate });
/** An outage of the register, by its start and end (epoch ms, Redis's clock). */
export const registerOutageJobSchema = z.object({ from: z.number().int().positive(), to: z.number().int().positive() });
export const sweepJobSchema = z.object({}).passthrough();

export type RemindJobData = z.infer<typeof remindJobSchema>;
export type DeadlineJobData = z.infer<typeof deadlineJobSchema>;
export type SweepJobData = z.infer<typeof sweepJobSchema>;
export type RegisterOutageJobData = z.infer<typeof registerOutageJobSchema>;
export type DeadlinesJobData = RemindJobData | DeadlineJobData | SweepJobData | RegisterOutageJobData;

/** Deterministic job IDs: scheduling the same timer twice is one job. */
export const deadlineJobId = {
  remind: (id: string, offsetMs: number) => `remind__${id}__${offsetMs}`,
  deadline: (id: string, level: string) => `deadline__${id}__${level}`,
  /** One job per outage, keyed by its start: the worker that closed the breaker and the sweeper may both enqueue it. */
  registerOutage: (from: number) => `register-outage__${from}`,
};

/** Enqueue an ended outage's deadline job (idempotent: a second add of the same outage is the same job). */
export async function enqueueRegisterOutage(queue: Queue, outage: RegisterOutageJobData): Promise<void> {
  await queue.add(DeadlineJob.registerOutage, outage, { jobId: deadlineJobId.registerOutage(outage.from) });
}

export const deadlinesJobOptions: DefaultJobOptions = {
  // A reconciliation fails only on a transient Mongo/Redis error: retry soon.
  attempts: 5,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export function createDeadlinesQueue(connection: ConnectionOptions, prefix: string) {
  return new Queue<DeadlinesJobData>(DEADLINES_QUEUE, { connection, prefix, defaultJobOptions: deadlinesJobOptions });
}
