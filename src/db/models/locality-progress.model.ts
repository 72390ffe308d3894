import { Schema, type Connection } from 'mongoose';

/**
 * The dashboard's per-unit progress rollup (`_id` = locality code, `VN` for the nation), written
 * only by the dashboard queue's periodic `rollup` job (one writer) and read by the dashboard API:
 * a page reads its unit by `_id` and the unit's children by `parentCode`. The shape is built by
 * src/domain/dashboard/rollup.ts; `hash` lets the job skip documents that did not change.
 */
export const localityProgressSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: String,
    type: String,
    level: { type: String, enum: ['national', 'province', 'district', 'commune'], required: true },
    parentCode: { type: String, default: null },
    provinceCode: { type: String, default: null },
    districtCode: { type: String, default: null },
    communes: Number,
    rounds: Schema.Types.Mixed,
    health: Schema.Types.Mixed,
    worst: { type: String, default: null },
    records: Schema.Types.Mixed,
    corrections: Schema.Types.Mixed,
    backlog: Schema.Types.Mixed,
    deadline: { type: Date, default: null },
    roundId: { type: String, default: null },
    /** A commune's round that waited on a register outage (rollup.ts registerOutageNote). */
    registerOutage: { type: Schema.Types.Mixed, default: null },
    escalation: Schema.Types.Mixed,
    contacts: Schema.Types.Mixed,
    path: Schema.Types.Mixed,
    daily: Schema.Types.Mixed,
    hash: { type: String, required: true },
    computedAt: { type: Date, required: true },
  },
  { collection: 'localityProgress', versionKey: false },
);
localityProgressSchema.index({ parentCode: 1, _id: 1 });

export const localityProgressModel = (c: Connection) => c.model('LocalityProgress', localityProgressSchema);
