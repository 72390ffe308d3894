import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { z } from 'zod';
import { delayUntil, nowOf, type DeadlineDeps } from '../src/deadlines/deps.js';
import { reconcileRound } from '../src/deadlines/reconcile.js';
import { sweepDeadlines } from '../src/deadlines/sweep.js';
import { DeadlineJob, deadlineJobSchema, enqueueRegisterOutage, registerOutageJobSchema, remindJobSchema } from '../queues/deadlines.queue.js';

/** The register's outages (src/registry/outage-policy.ts): absent where the register is not called (mirror mode). */
export interface RegisterOutages {
  run(outage: { from: number; to: number }): Promise<unknown>;
  /** Ended outages whose job has not finished yet. */
  pending(): Promise<{ from: number; to: number }[]>;
}

function parse<S extends z.ZodType>(schema: S, job: Job): z.infer<S> {
  const r = schema.safeParse(job.data);
  if (!r.success) throw new UnrecoverableError(`bad ${job.name} job data: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/**
 * `deadlines` queue: a timer (reminder or escalation check) or a sweep. A timer only triggers
 * reconcileRound, which decides from MongoDB what is due, so a stale or duplicate timer is harmless.
 */
export function deadlinesProcessor(deps: DeadlineDeps, outages?: RegisterOutages) {
  return async (job: Job, token?: string) => {
    const log = deps.log.child({ queue: job.queueName, jobId: job.id, attempt: job.attemptsMade + 1 });
    switch (job.name) {
      case DeadlineJob.sweep: {
        // An outage whose closing worker died before enqueueing its job: enqueued here (the same job ID: once).
        for (const o of (await outages?.pending()) ?? []) await enqueueRegisterOutage(deps.deadlinesQueue, o);
        const r = await sweepDeadlines({ ...deps, log });
        if (r.escalated || r.closed || r.errors) log.info(r, 'sweep');
        return r;
      }
      case DeadlineJob.remind:
      case DeadlineJob.deadline: {
        const data = job.name === DeadlineJob.remind ? parse(remindJobSchema, job) : parse(deadlineJobSchema, job);
        const dueAt = 'dueAt' in data ? Date.parse(data.dueAt) : Date.parse(data.deadline) - data.offsetMs;
        // Promoted a little early (clock skew between hosts): wait in Redis, not in memory.
        if (dueAt > nowOf(deps).getTime() + 5 && token) {
          await job.moveToDelayed(Date.now() + delayUntil(deps, new Date(dueAt)), token);
          throw new DelayedError();
        }
        const result = await reconcileRound({ ...deps, log }, data.roundId);
        // This very timer was due to move (the deadline changed while it ran): re-time it in Redis.
        const self = result.locked?.find((t) => t.jobId === job.id);
        if (self && token) {
          await job.updateData(self.data);
          await job.moveToDelayed(Date.now() + delayUntil(deps, self.at), token);
          throw new DelayedError();
        }
        return result;
      }
      case DeadlineJob.registerOutage: {
        if (!outages) throw new UnrecoverableError('register outage job on a worker without the register (REGISTRY_MODE=mirror)');
        return outages.run(parse(registerOutageJobSchema, job));
      }
      default:
        throw new UnrecoverableError(`unknown deadlines job "${job.name}"`);
    }
  };
}
