import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { ESCALATION_LEVELS } from '../../domain/rounds/policy.js';

/**
 * One level of escalation of one round's missed deadline. The unique (roundId, level) index is
 * what makes "each level once and only once" hold across replicas and retried jobs.
 * Open = `closedAt` null; it closes when the round completes or is cancelled.
 */
export const escalationSchema = new Schema(
  {
    roundId: { type: String, required: true },
    level: { type: String, enum: ESCALATION_LEVELS, required: true },
    /** The round's locality, and the locality answering at this level (`VN` = ministry). */
    localityCode: { type: String, required: true },
    targetCode: { type: String, default: null },
    provinceCode: { type: String, default: null },
    districtCode: { type: String, default: null },
    escalatedAt: { type: Date, required: true },
    /** When the next level is escalated unless the round completes first. */
    deadline: { type: Date, required: true },
    /** The round deadline that was missed. */
    overdueSince: { type: Date, required: true },
    /** Counts of unresolved records at the time of escalation. */
    unresolved: { type: Schema.Types.Mixed, default: {} },
    /** Set once its notifications are recorded and queued; null = still to notify. */
    notifiedAt: { type: Date, default: null },
    acknowledgedAt: { type: Date, default: null },
    /** The signed-in identity that acknowledged (`sub`) and its name: once, the first stays. */
    acknowledgedBy: { type: String, default: null },
    acknowledgedByName: { type: String, default: null },
    ackNote: { type: String, default: null },
    closedAt: { type: Date, default: null },
    closeReason: { type: String, default: null },
  },
  { collection: 'escalations', timestamps: true },
);
escalationSchema.index({ roundId: 1, level: 1 }, { unique: true });
escalationSchema.index({ closedAt: 1, level: 1, escalatedAt: -1 });
escalationSchema.index({ provinceCode: 1, closedAt: 1 });
escalationSchema.index({ districtCode: 1, closedAt: 1 });
escalationSchema.index({ localityCode: 1, closedAt: 1 });

export type EscalationDoc = InferSchemaType<typeof escalationSchema>;
export const escalationModel = (c: Connection) => c.model('Escalation', escalationSchema);
