import { Schema, type Connection } from 'mongoose';

/**
 * The deadline side's own state of one round (`_id` = round ID), written only by the deadline
 * module (src/deadlines through deadline-state.repository.ts), never by the round's writers:
 * when it next has something to do, whether escalations are open, and for which version of the
 * round's deadline that was computed.
 */
export const roundDeadlineSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** When a reminder or escalation is next due; null once the round is no longer watched. */
    nextCheckAt: { type: Date, default: null },
    /** Escalations still open: the sweeper closes them if the round finished without the hook. */
    openEscalations: { type: Boolean, default: false },
    /** How many deadline changes the round had when this was computed (a stale reconcile loses). */
    timedVersion: { type: Number, default: 0 },
  },
  { collection: 'roundDeadlines', timestamps: true },
);
roundDeadlineSchema.index({ nextCheckAt: 1 });
roundDeadlineSchema.index({ openEscalations: 1 });

export const roundDeadlineModel = (c: Connection) => c.model('RoundDeadline', roundDeadlineSchema);
