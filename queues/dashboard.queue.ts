import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { z } from 'zod';

/**
 * The dashboard's own small queue: one periodic `rollup` job (a BullMQ job scheduler) rebuilds
 * the per-locality progress documents the dashboard reads. Global concurrency 1: however many
 * workers serve it, one rollup runs at a time, so the documents have one writer.
 */
export const DASHBOARD_QUEUE = 'dashboard';
export const DashboardJob = { rollup: 'rollup' } as const;
/** Job scheduler ID: one per queue prefix, however many processes upsert it. */
export const DASHBOARD_ROLLUP_ID = 'dashboard-rollup';

export const rollupJobSchema = z.object({}).passthrough();
export type RollupJobData = z.infer<typeof rollupJobSchema>;

export const dashboardJobOptions: DefaultJobOptions = {
  // The next scheduled run recomputes everything anyway: a couple of quick retries is enough.
  attempts: 2,
  backoff: { type: 'fixed', delay: 2_000 },
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 500 },
};

export function createDashboardQueue(connection: ConnectionOptions, prefix: string) {
  return new Queue<RollupJobData>(DASHBOARD_QUEUE, { connection, prefix, defaultJobOptions: dashboardJobOptions });
}

/** Register (idempotently) the periodic rollup and the queue's global concurrency of 1. */
export async function ensureRollupScheduler(queue: Queue, everyMs: number): Promise<void> {
  await queue.setGlobalConcurrency(1);
  await queue.upsertJobScheduler(DASHBOARD_ROLLUP_ID, { every: everyMs }, {
    name: DashboardJob.rollup,
    data: {},
    opts: { removeOnComplete: { count: 100 }, removeOnFail: { count: 500 } },
  });
}
