import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { ESCALATION_LEVELS } from '../../domain/rounds/policy.js';

/**
 * Who answers for a locality at a level (an official, not a citizen): reminders go to the
 * round locality's contacts, escalations to the contacts of the level's locality
 * (ministry: localityCode `VN`). Natural key (localityCode, level, role).
 */
export const contactSchema = new Schema(
  {
    localityCode: { type: String, required: true },
    level: { type: String, enum: ESCALATION_LEVELS, required: true },
    /** e.g. `chairperson`, `health-station-head`, `focal-point`. */
    role: { type: String, required: true },
    name: { type: String, required: true },
    /** What the person is, as people say it: 'Chủ tịch UBND huyện Ba Vì', 'Tổ trưởng Tổ công tác Đề án 06'. */
    title: { type: String, default: null },
    phone: { type: String, default: null },
    webhookUrl: { type: String, default: null },
    email: { type: String, default: null },
    /** A facility head's site (facility register): written by the facilities import with role `facility-head-<id>`. */
    facilityId: { type: String, default: null },
  },
  { collection: 'contacts', timestamps: true },
);
contactSchema.index({ localityCode: 1, level: 1, role: 1 }, { unique: true });
// The facilities import drops a moved facility's head at its old commune.
contactSchema.index({ facilityId: 1 });

export type ContactDoc = InferSchemaType<typeof contactSchema>;
export const contactModel = (c: Connection) => c.model('Contact', contactSchema);
