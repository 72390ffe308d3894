import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * A vaccination site of the facility register (issue 28): the campaign made it answerable for
 * what it entered and its head for delays. Imported from a file like the administrative units
 * (`vaxverify facilities import`), upserted on its natural key, the facility ID the dose records
 * carry (`doseRecords.facilityId`). The head is an official, not a citizen; the import also makes
 * them a contact of the commune (role `facility-head-…`, `facilityId` set), so escalations reach them.
 */
export const facilitySchema = new Schema(
  {
    facilityId: { type: String, required: true },
    name: { type: String, required: true },
    communeCode: { type: String, required: true },
    headName: { type: String, default: null },
    headTitle: { type: String, default: null },
    headPhone: { type: String, default: null },
  },
  { collection: 'facilities', timestamps: true },
);
facilitySchema.index({ facilityId: 1 }, { unique: true });
// A commune's page lists its facilities.
facilitySchema.index({ communeCode: 1, facilityId: 1 });

export type FacilityDoc = InferSchemaType<typeof facilitySchema>;
export const facilityModel = (c: Connection) => c.model('Facility', facilitySchema);
