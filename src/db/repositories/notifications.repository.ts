import type { Types } from 'mongoose';
import type { NotificationDoc } from '../models/index.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';
import { isDuplicateKey } from './query.js';

/*
 * The delivery log (notifications): one document per (event, recipient, channel), on its
 * deterministic `key` (unique index { key }), which is also its delivery job's ID.
 */

export type NotificationRow = NotificationDoc & { _id: Types.ObjectId };
/** What a notification is recorded with. */
export type NewNotification = Pick<
  NotificationDoc,
  'key' | 'event' | 'kind' | 'roundId' | 'level' | 'channel' | 'contactId' | 'target' | 'payload'
>;

/**
 * Record a notification, pending, unless its key is recorded already: upsert on `key` with
 * $setOnInsert only, so a recorded one (and a concurrent delivery's `sent`) stays as it is. A
 * concurrent upsert of the same key that won (the unique index { key } refused this one:
 * duplicate key) is the same outcome.
 */
export async function recordNotification(store: Store, n: NewNotification): Promise<void> {
  const models = modelsOf(store);
  const written = new Date();
  try {
    await models.Notification.updateOne(
      { key: n.key },
      {
        $setOnInsert: {
          key: n.key, event: n.event, kind: n.kind, roundId: n.roundId, level: n.level,
          channel: n.channel, contactId: n.contactId, target: n.target, payload: n.payload,
          status: 'pending', attempts: 0, createdAt: written, updatedAt: written,
        },
      },
      // Insert-only: a recorded notification keeps its `updatedAt` too (no timestamps $set on a match).
      { upsert: true, timestamps: false },
    );
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
}

/** Which of these events of a round have been recorded (index { roundId, event }). */
export async function recordedEvents(store: Store, roundId: string, events: readonly string[]): Promise<string[]> {
  const models = modelsOf(store);
  const seen = await models.Notification.find({ roundId, event: { $in: [...events] } }, { event: 1 }).lean<Pick<NotificationRow, '_id' | 'event'>[]>();
  return seen.map((n) => n.event);
}

/** Keys of notifications still pending, at most `limit` (index { status, updatedAt }). */
export async function pendingNotificationKeys(store: Store, limit: number): Promise<string[]> {
  const models = modelsOf(store);
  const pending = await models.Notification.find({ status: 'pending' }, { key: 1 }).limit(limit).lean<Pick<NotificationRow, '_id' | 'key'>[]>();
  return pending.map((n) => n.key);
}

/** One notification by its key (index { key }), or null. */
export async function readNotification(store: Store, key: string): Promise<NotificationRow | null> {
  const models = modelsOf(store);
  return models.Notification.findOne({ key }).lean<NotificationRow>();
}

/**
 * Record a failed delivery attempt of a pending notification (conditional on `status` pending:
 * one already sent or failed stays); `final` also marks it failed. Index { key }.
 */
export async function markNotificationFailed(store: Store, key: string, error: string, final: boolean): Promise<void> {
  const models = modelsOf(store);
  await models.Notification.updateOne(
    { key, status: 'pending' },
    { $set: { lastError: error, ...(final ? { status: 'failed' } : {}) }, $inc: { attempts: 1 } },
  );
}

/** Record a notification delivered (index { key }). */
export async function markNotificationSent(store: Store, key: string, at = new Date()): Promise<void> {
  const models = modelsOf(store);
  await models.Notification.updateOne({ key }, { $set: { status: 'sent', sentAt: at, lastError: null }, $inc: { attempts: 1 } });
}
