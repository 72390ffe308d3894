import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { CORRECTABLE_FIELDS, CORRECTION_STATUSES, DECISIONS, OFFICER_ROLES } from '../../domain/corrections/types.js';

export { CORRECTION_STATUSES } from '../../domain/corrections/types.js';

/**
 * The audit trail of a dose record: one document per correction an officer submitted, never
 * updated except to link the correction round that re-verified it. `key` (record, base
 * version, decision, values) is the natural key: a re-uploaded worksheet stores nothing twice.
 * Old and new values are personal data: they stay here and in the record, never in logs.
 */
export const correctionSchema = new Schema(
  {
    key: { type: String, required: true },
    recordId: { type: String, required: true },
    communeCode: { type: String, required: true },
    /** The verification round whose worklist the correction answers. */
    roundId: { type: String, default: null },
    decision: { type: String, enum: DECISIONS, required: true },
    /**
     * applied: values changed; explained: an explanation accepted; rejected: suggestion refused,
     * nothing changed; pending: stored, record not yet updated (a crash in between leaves it
     * pending; the record's version tells whether it was applied, and a resubmission settles it).
     * awaiting_signoff: stored in a locality that requires the commune police's sign-off, not
     * applied until a different commune_police identity signs it; refused: the police refused it;
     * superseded: signed off after the record had changed (nothing applied).
     */
    status: { type: String, enum: CORRECTION_STATUSES, required: true },
    changes: [new Schema({
      field: { type: String, enum: CORRECTABLE_FIELDS, required: true },
      oldValue: { type: String, default: '' },
      newValue: { type: String, required: true },
    }, { _id: false })],
    explanation: { type: String, default: null },
    /** The record version the officer saw, and the one this correction produced. */
    baseVersion: { type: Number, required: true },
    newVersion: { type: Number, required: true },
    /** The submitting identity: `sub` from the access token, name as the provider gives it. */
    officer: new Schema({ name: String, role: { type: String, enum: OFFICER_ROLES }, sub: String }, { _id: false }),
    /** The commune police's sign-off (`sub` of a different identity than the officer's). */
    signOff: { type: new Schema({ by: String, role: String, sub: String, at: Date, decision: String }, { _id: false }), default: null },
    /**
     * The police's last decision taken back (issue 28): which one, by whom, when. A correction
     * waiting again with this set was undone: a second undo (a double click) changes nothing.
     */
    undo: { type: new Schema({ by: String, sub: String, at: Date, decision: String }, { _id: false }), default: null },
    source: { type: String, enum: ['api', 'upload'], required: true },
    /** Worksheet row number, for uploads. */
    row: { type: Number, default: null },
    /** The correction round that re-verifies the record (set when enqueued). */
    correctionRoundId: { type: String, default: null },
  },
  { collection: 'corrections', timestamps: true },
);
correctionSchema.index({ key: 1 }, { unique: true });
correctionSchema.index({ recordId: 1, createdAt: 1 });
correctionSchema.index({ roundId: 1, decision: 1 });
correctionSchema.index({ communeCode: 1, status: 1, createdAt: 1 });

export type CorrectionDoc = InferSchemaType<typeof correctionSchema>;
export const correctionModel = (c: Connection) => c.model('Correction', correctionSchema);
