import type { EscalationLevel } from '../domain/rounds/policy.js';
import { NotificationJob, notificationJobId } from '../../queues/notifications.queue.js';
import type { DeadlineDeps } from './deps.js';
import { contactsOf } from '../db/repositories/contacts.repository.js';
import { recordNotification } from '../db/repositories/notifications.repository.js';

/** Deterministic event keys: the same reminder or escalation is one event however often seen. */
export const eventKey = {
  reminder: (roundId: string, offsetMs: number, deadline: Date) => `rem__${roundId}__${offsetMs}__${deadline.getTime()}`,
  escalation: (roundId: string, level: string) => `esc__${roundId}__${level}`,
};

export interface NotifyEventInput {
  event: string;
  kind: 'reminder' | 'escalation';
  roundId: string;
  level: EscalationLevel | null;
  /** Whose contacts receive it. */
  to: { localityCode: string | null; level: EscalationLevel };
  payload: Record<string, unknown>;
}

/**
 * Record one notification per recipient and channel (upsert on the deterministic key) and queue
 * its delivery (job ID = key). Contacts with a webhook get the webhook channel, the others the
 * log channel; with no contact at all, one log notification still records the event.
 */
export async function notifyEvent(deps: DeadlineDeps, input: NotifyEventInput): Promise<string[]> {
  const contacts = input.to.localityCode ? await contactsOf(deps.store, input.to.localityCode, input.to.level) : [];
  const rows = contacts.map((c) => {
    const webhook = deps.webhookEnabled && c.webhookUrl ? c.webhookUrl : null;
    return { channel: webhook ? 'webhook' : 'log', target: webhook, contactId: String(c._id) };
  });
  if (rows.length === 0) rows.push({ channel: 'log', target: null, contactId: 'none' });

  const keys: string[] = [];
  for (const row of rows) {
    const key = `${input.event}__${row.channel}__${row.contactId}`;
    keys.push(key);
    // Recorded already (a retried or replayed escalation) changes nothing, so a concurrent
    // delivery's `status: 'sent'` stays; two replicas recording the same key: one wins.
    await recordNotification(deps.store, {
      key, event: input.event, kind: input.kind, roundId: input.roundId, level: input.level,
      channel: row.channel, contactId: row.contactId, target: row.target, payload: input.payload,
    });
  }
  await deps.notificationsQueue.addBulk(keys.map((key) => ({
    name: NotificationJob.deliver,
    data: { key },
    opts: { jobId: notificationJobId(key), attempts: deps.notify.attempts, backoff: { type: 'exponential', delay: deps.notify.backoffMs } },
  })));
  return keys;
}
