import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { NOTIFICATION_KINDS, NOTIFICATION_STATUSES } from '../../domain/notifications.js';


/**
 * Delivery log, one document per (event, recipient, channel). `key` is deterministic
 * (e.g. `esc__<roundId>__<level>__webhook__<contactId>`), unique, and doubles as the
 * notification job ID, so a message is queued and sent once however often it is triggered.
 * The payload holds counts and locality names only — no personal data.
 */
export const notificationSchema = new Schema(
  {
    key: { type: String, required: true },
    /** The triggering event (`rem__<roundId>__<offsetMs>__<deadlineMs>`, `esc__<roundId>__<level>`). */
    event: { type: String, required: true },
    kind: { type: String, enum: NOTIFICATION_KINDS, required: true },
    roundId: { type: String, required: true },
    level: { type: String, default: null },
    channel: { type: String, required: true },
    contactId: { type: String, default: null },
    /** Where a webhook goes; null for the log channel. */
    target: { type: String, default: null },
    payload: { type: Schema.Types.Mixed, required: true },
    status: { type: String, enum: NOTIFICATION_STATUSES, default: 'pending' },
    attempts: { type: Number, default: 0 },
    lastError: { type: String, default: null },
    sentAt: { type: Date, default: null },
  },
  { collection: 'notifications', timestamps: true },
);
notificationSchema.index({ key: 1 }, { unique: true });
notificationSchema.index({ roundId: 1, event: 1 });
notificationSchema.index({ status: 1, updatedAt: 1 });

export type NotificationDoc = InferSchemaType<typeof notificationSchema>;
export const notificationModel = (c: Connection) => c.model('Notification', notificationSchema);
