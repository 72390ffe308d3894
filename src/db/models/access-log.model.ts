import { Schema, type Connection, type InferSchemaType } from 'mongoose';

import { ACCESS_KINDS, EXPORT_STATUSES } from '../../domain/access-log.js';


/**
 * Who read which personal data: one insert-only document per worklist page, export, record
 * history, correction list and eligibility answer. Holds identities and counts, never the data
 * read (an eligibility subject is kept masked).
 */
export const accessLogSchema = new Schema(
  {
    at: { type: Date, required: true },
    sub: { type: String, required: true },
    name: { type: String, default: '' },
    roles: { type: [String], default: [] },
    kind: { type: String, enum: ACCESS_KINDS, required: true },
    /** The locality the data belongs to (the request's code, or the record's commune); null nationally. */
    locality: { type: String, default: null },
    /** How many records (worklist items, exported rows, history events, doses) were returned. */
    records: { type: Number, required: true },
    route: { type: String, required: true },
    /** What was asked for, masked (a record id, `0012******67` for a looked-up citizen ID). */
    subject: { type: String, default: null },
    /** Exports only: `started` when the first byte leaves (with `promised` rows), then `completed` or `aborted` with `records` = rows sent. */
    status: { type: String, enum: [...EXPORT_STATUSES, null], default: null },
    promised: { type: Number, default: null },
    endedAt: { type: Date, default: null },
  },
  { collection: 'access_log', versionKey: false },
);
accessLogSchema.index({ at: -1 });
accessLogSchema.index({ sub: 1, at: -1 });
accessLogSchema.index({ locality: 1, at: -1 });

export type AccessLogEntry = InferSchemaType<typeof accessLogSchema>;
export const accessLogModel = (c: Connection) => c.model('AccessLog', accessLogSchema);
