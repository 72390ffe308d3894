import { Queue, type ConnectionOptions, type DefaultJobOptions } from 'bullmq';
import { z } from 'zod';

/**
 * One job per notification delivery. The job carries only the notification key; the message
 * lives in MongoDB (`notifications`). Retries with exponential backoff are BullMQ attempts,
 * so a failing channel never blocks the escalation record that caused the message.
 */
export const NOTIFICATIONS_QUEUE = 'notifications';

export const NotificationJob = { deliver: 'deliver' } as const;

export const deliverJobSchema = z.object({ key: z.string().min(1).max(300) });
export type DeliverJobData = z.infer<typeof deliverJobSchema>;

export const notificationJobId = (key: string) => `notify__${key}`;

export const notificationsJobOptions: DefaultJobOptions = {
  // Overridden per job from NOTIFY_ATTEMPTS / NOTIFY_BACKOFF_MS; 10 attempts from 5 s ≈ 42 min.
  attempts: 10,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 7 * 24 * 3600, count: 50_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export function createNotificationsQueue(connection: ConnectionOptions, prefix: string) {
  return new Queue<DeliverJobData>(NOTIFICATIONS_QUEUE, { connection, prefix, defaultJobOptions: notificationsJobOptions });
}
