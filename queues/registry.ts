import type { ConnectionOptions, Queue } from 'bullmq';
import {
  VERIFICATION_QUEUE,
  createVerificationQueue,
  type VerificationJobData,
} from './verification.queue.js';
import { DEADLINES_QUEUE, createDeadlinesQueue, type DeadlinesJobData } from './deadlines.queue.js';
import { NOTIFICATIONS_QUEUE, createNotificationsQueue, type DeliverJobData } from './notifications.queue.js';
import { IMPORT_QUEUE, createImportQueue, type ImportJobData } from './import.queue.js';
import { DASHBOARD_QUEUE, createDashboardQueue, type RollupJobData } from './dashboard.queue.js';
import { ROUNDS_QUEUE, createRoundsQueue, type RoundsJobData } from './rounds.queue.js';

/** Every queue's job data, by queue name. Add a queue here and in `queueFactories`. */
export interface JobMap {
  [VERIFICATION_QUEUE]: VerificationJobData;
  [DEADLINES_QUEUE]: DeadlinesJobData;
  [NOTIFICATIONS_QUEUE]: DeliverJobData;
  [IMPORT_QUEUE]: ImportJobData;
  [DASHBOARD_QUEUE]: RollupJobData;
  [ROUNDS_QUEUE]: RoundsJobData;
}

export type QueueName = keyof JobMap;

const queueFactories: { [K in QueueName]: (c: ConnectionOptions, prefix: string) => Queue<JobMap[K]> } = {
  [VERIFICATION_QUEUE]: createVerificationQueue,
  [DEADLINES_QUEUE]: createDeadlinesQueue,
  [NOTIFICATIONS_QUEUE]: createNotificationsQueue,
  [IMPORT_QUEUE]: createImportQueue,
  [DASHBOARD_QUEUE]: createDashboardQueue,
  [ROUNDS_QUEUE]: createRoundsQueue,
};

export const QUEUE_NAMES = Object.keys(queueFactories) as QueueName[];

export type Queues = { [K in QueueName]: Queue<JobMap[K]> };

/** One Queue object per queue (API producers, Bull Board). Close them with `closeQueues`. */
export function allQueues(connection: ConnectionOptions, prefix: string): Queues {
  return Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, queueFactories[name](connection, prefix)]),
  ) as Queues;
}

/** The queues as a list (Bull Board, metrics), without casts. */
export function queueList(queues: Queues): Queue[] {
  return QUEUE_NAMES.map((name) => queues[name]);
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(QUEUE_NAMES.map((name) => queues[name].close()));
}
