import { UnrecoverableError, type Job } from 'bullmq';
import type { Store } from '../src/db/store.js';
import { markNotificationFailed, markNotificationSent, readNotification } from '../src/db/repositories/notifications.repository.js';
import type { Logger } from '../src/lib/logger.js';
import type { Channels } from '../src/notify/channel.js';
import { PermanentDeliveryError } from '../src/notify/permanent-delivery.error.js';
import { deliverJobSchema } from '../queues/notifications.queue.js';

export interface NotificationsDeps {
  store: Store;
  channels: Channels;
  log: Logger;
}

/**
 * `notifications` queue: deliver one recorded notification through its channel. Already sent →
 * no-op (a re-queued or duplicated job sends nothing). Failures are recorded and rethrown so
 * BullMQ retries with exponential backoff; the last attempt marks the notification failed.
 */
export function notificationsProcessor(deps: NotificationsDeps) {
  return async (job: Job) => {
    const parsed = deliverJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError('bad deliver job data: key missing');
    const n = await readNotification(deps.store, parsed.data.key);
    if (!n) throw new UnrecoverableError(`notification ${parsed.data.key} not found`);
    if (n.status === 'sent') return { skipped: 'already sent' };
    const channel = deps.channels[n.channel];
    const log = deps.log.child({ queue: job.queueName, jobId: job.id, attempt: job.attemptsMade + 1, channel: n.channel });
    try {
      if (!channel) throw new PermanentDeliveryError(`channel "${n.channel}" is not enabled in this worker`);
      await channel.send({ key: n.key, kind: n.kind, target: n.target ?? null, payload: n.payload as Record<string, unknown> });
    } catch (err) {
      const final = err instanceof PermanentDeliveryError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      await markNotificationFailed(deps.store, n.key, (err as Error).message, final);
      log.warn({ err, key: n.key, final }, 'notification delivery failed');
      throw err instanceof PermanentDeliveryError ? new UnrecoverableError(err.message) : err;
    }
    await markNotificationSent(deps.store, n.key, new Date());
    return { sent: n.key };
  };
}
