import type { Queue } from 'bullmq';
import { RoundsJob, roundJobOptions, type RoundsJobData } from '../../queues/rounds.queue.js';

/**
 * What an act tells the round's one writer (a required dependency of every service that changes
 * a round; issue 27). Nothing here writes the round: each call enqueues a job on the `rounds`
 * queue, deduplicated by round, and a worker does the writing (workers/rounds.processor.ts).
 */
export interface RoundEvents {
  /**
   * Something the round's settlement reads changed (an explanation accepted, a dose report, a
   * correction round created or finished): settle it again, then run its effects.
   */
  changed(roundId: string): Promise<void>;
  /** The round was just settled by the verification flow: run its effects (cascade, deadline side). */
  settled(roundId: string): Promise<void>;
  /**
   * The round's deadline moved (a coordinator, a register outage), or was due already when the
   * round was created: its deadline side (reminders, overdue, escalations, timers) is reconciled.
   */
  deadlineChanged(roundId: string): Promise<void>;
}

/** RoundEvents on the `rounds` queue. */
export function queuedRoundEvents(queue: Queue<RoundsJobData>): RoundEvents {
  const reconcile = async (roundId: string) => {
    await queue.add(RoundsJob.reconcile, { roundId }, roundJobOptions(RoundsJob.reconcile, roundId));
  };
  return {
    async changed(roundId) {
      await queue.add(RoundsJob.settle, { roundId }, roundJobOptions(RoundsJob.settle, roundId));
    },
    settled: reconcile,
    deadlineChanged: reconcile,
  };
}
