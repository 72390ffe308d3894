import { Schema, type Connection } from 'mongoose';
import { OUTCOMES } from '../../domain/records.js';

/** `_id` of a result: its natural key, round + record. */
export const resultId = (roundId: string, recordId: string) => `${roundId}/${recordId}`;

/**
 * The matcher's decision for one record in one round. Natural key (roundId, recordId), stored
 * as `_id` (`resultId`): written insert-first, so a re-run chunk writes nothing twice.
 */
export const verificationResultSchema = new Schema(
  {
    _id: { type: String, required: true },
    roundId: { type: String, required: true },
    recordId: { type: String, required: true },
    localityCode: { type: String, required: true },
    outcome: { type: String, enum: OUTCOMES, required: true },
    personalId: { type: String },
    score: { type: Number, required: true },
    corrections: { type: Schema.Types.Mixed },
    candidates: { type: Schema.Types.Mixed },
    reason: { type: String },
    /** The facts the decision rests on (`MatchEvidence`, issue 31): field levels and weights, the runner-up masked. */
    evidence: { type: Schema.Types.Mixed },
    matcherVersion: { type: String },
    /** Which chunk job wrote it, for tracing a crash-and-retry. */
    chunk: { type: Number },
  },
  { collection: 'verificationResults', timestamps: true },
);
verificationResultSchema.pre('validate', function setNaturalId() {
  if (this._id == null) this._id = resultId(this.roundId, this.recordId);
});
verificationResultSchema.index({ roundId: 1, recordId: 1 }, { unique: true });
verificationResultSchema.index({ roundId: 1, outcome: 1 });
verificationResultSchema.index({ recordId: 1, createdAt: 1 });
// Passport eligibility finds the records linked to a citizen.
verificationResultSchema.index({ personalId: 1 });

export const verificationResultModel = (c: Connection) =>
  c.model('VerificationResult', verificationResultSchema);
