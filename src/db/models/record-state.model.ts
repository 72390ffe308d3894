import { Schema, type Connection } from 'mongoose';
import { OUTCOMES } from '../../domain/records.js';
import { CORRECTION_STATUSES } from '../../domain/corrections/types.js';

/**
 * A dose record's current state (`_id` = record ID): its latest verification outcome and the
 * person it links to, the round that produced it, and its newest correction. Written by one
 * module (record-state.repository.ts: the chunk job's results, the corrections' status), read
 * by eligibility instead of merging every round's results per request.
 */
export const recordStateSchema = new Schema(
  {
    _id: { type: String, required: true },
    communeCode: { type: String, required: true },
    /** The round of the latest result, and when that round was planned (a later round wins). */
    roundId: { type: String, default: null },
    plannedAt: { type: Date, default: null },
    outcome: { type: String, enum: OUTCOMES, default: null },
    personalId: { type: String, default: null },
    resultAt: { type: Date, default: null },
    /**
     * Whose dose it is for eligibility: the linked person, else the citizen ID it was entered
     * with (null for a passport number or an unreadable ID). With `dose`, the per-citizen
     * projection eligibility answers from in one indexed read (written with the result).
     */
    citizen: { type: String, default: null },
    /** The dose as the verified record states it (no name, no birth date). */
    dose: {
      type: new Schema({ vaccine: String, doseNumber: Number, vaccinatedAt: String }, { _id: false }),
      default: null,
    },
    /** The record's newest correction. */
    correction: {
      type: new Schema({ id: String, status: { type: String, enum: CORRECTION_STATUSES }, at: Date }, { _id: false }),
      default: null,
    },
  },
  { collection: 'recordStates', timestamps: false },
);
recordStateSchema.index({ personalId: 1 });
// Eligibility: a citizen's doses, one indexed read.
recordStateSchema.index({ citizen: 1 });
recordStateSchema.index({ communeCode: 1, outcome: 1 });

export const recordStateModel = (c: Connection) => c.model('RecordState', recordStateSchema);
