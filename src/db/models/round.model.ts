import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { OUTCOMES } from '../../domain/records.js';
import { ROUND_KINDS, ROUND_STATUSES } from '../../domain/rounds/values.js';

export { ROUND_STATUSES } from '../../domain/rounds/values.js';

const countersShape = Object.fromEntries(OUTCOMES.map((o) => [o, { type: Number, default: 0 }]));

/**
 * One verification (or correction) round of one locality. `_id` is the natural key
 * `<kind>:<localityCode>:<seq>` so that enqueueing the same round twice is a no-op.
 */
export const roundSchema = new Schema(
  {
    _id: { type: String, required: true },
    localityCode: { type: String, required: true },
    kind: { type: String, enum: ROUND_KINDS, required: true },
    seq: { type: Number, required: true, default: 1 },
    status: { type: String, enum: ROUND_STATUSES, required: true, default: 'scheduled' },
    deadline: { type: Date, required: true },
    totalRecords: { type: Number, default: 0 },
    processedRecords: { type: Number, default: 0 },
    chunks: { type: Number, default: 0 },
    /** Correction rounds re-verify exactly these records (IDs only). */
    recordIds: { type: [String], default: undefined },
    /**
     * A correction round's idempotency key: a hash of the records it re-verifies (ID and version)
     * and the register's version. The same key again is the same round (a double click, a retry).
     */
    recordSetKey: { type: String, default: undefined },
    counters: countersShape,
    /** Unresolved records whose explanation the locality accepted (completion rule). */
    explainedRecords: { type: Number, default: 0 },
    /** Records the locality should have entered, for the optional backlog-gap rule. */
    expectedRecords: { type: Number, default: null },
    /** Settlements written (settle's optimistic token: each write is conditional on the one it read). */
    settles: { type: Number, default: null },
    /**
     * Deadline extensions and shortenings, oldest first (`by`: the caller's token subject); its
     * length is the deadline's version. The deadline side's own state (next check, open
     * escalations) is in roundDeadlines, written by src/deadlines only.
     */
    deadlineChanges: [new Schema({ from: Date, to: Date, at: Date, reason: String, by: { type: String, default: null } }, { _id: false })],
    /**
     * REGISTRY_OUTAGE_POLICY=hold: the round waited on a register outage, so its escalations are held
     * from `since` until `until` (null while the register is down; after its return, the time the
     * round waited given back), `held`: the levels that came due meanwhile. Written by the register's
     * outage policy (src/registry) and the deadline reconcile (held levels) only.
     */
    escalationHold: {
      type: new Schema({ since: Date, until: { type: Date, default: null }, reason: String, outage: { from: Date, to: Date }, held: [String] }, { _id: false }),
      default: undefined,
    },
    transitions: [
      new Schema({ from: String, to: String, at: Date, cause: String }, { _id: false }),
    ],
    /**
     * The run of the round's jobs (0 first; one more per operator retry or re-plan after Redis
     * lost them): part of their deterministic job IDs. Absent on older rounds: their retries count.
     */
    generation: { type: Number, default: undefined },
    /** Re-plans of a round whose jobs Redis lost or that stopped moving (reconciler or operator), oldest first. */
    replans: [new Schema({ at: Date, generation: Number, cause: String, by: { type: String, default: null } }, { _id: false })],
    startedAt: Date,
    finishedAt: Date,
    error: String,
  },
  { collection: 'rounds', timestamps: true },
);
roundSchema.index({ localityCode: 1, kind: 1, seq: 1 }, { unique: true });
roundSchema.index({ status: 1, deadline: 1 });
roundSchema.index({ localityCode: 1, createdAt: -1 });
/** The dashboard rollup reads only the verification rounds changed since its last run. */
roundSchema.index({ kind: 1, updatedAt: 1 });

export type RoundDoc = InferSchemaType<typeof roundSchema>;
export const roundModel = (c: Connection) => c.model('Round', roundSchema);
