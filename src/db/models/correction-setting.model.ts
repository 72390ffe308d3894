import { Schema, type Connection } from 'mongoose';

/**
 * Per-locality correction rules. A commune inherits its district's, then its province's
 * setting; without any, the campaign default (CORRECTION_SIGNOFF_REQUIRED) applies.
 */
export const correctionSettingSchema = new Schema(
  {
    localityCode: { type: String, required: true },
    /** Corrections need the commune police's sign-off before they are applied. */
    signOffRequired: { type: Boolean, required: true },
  },
  { collection: 'correctionSettings', timestamps: true },
);
correctionSettingSchema.index({ localityCode: 1 }, { unique: true });

export const correctionSettingModel = (c: Connection) => c.model('CorrectionSetting', correctionSettingSchema);
