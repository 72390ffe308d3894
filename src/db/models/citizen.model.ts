import { Schema, type Connection } from 'mongoose';

/**
 * The population registry mirror. `nameKey` (folded name) and `birthYear` are the
 * matcher's blocking keys, and `maskedKeys` its second block (the name with one part masked,
 * with the birth date: one misspelt word tolerated), computed at import from the registry values.
 */
export const citizenSchema = new Schema(
  {
    /** Natural key: the personal ID, so a point read is an `_id` read on every store. */
    _id: { type: String, required: true },
    personalId: { type: String, required: true },
    fullName: { type: String, required: true },
    dateOfBirth: { type: String, required: true },
    gender: { type: String, enum: ['male', 'female'], required: true },
    communeCode: { type: String, required: true },
    oldIdNumber: { type: String },
    nameKey: { type: String, required: true },
    birthYear: { type: Number, default: null },
    maskedKeys: { type: [String], default: undefined },
  },
  { collection: 'citizens', timestamps: true },
);
citizenSchema.pre('validate', function setNaturalId() {
  if (this._id == null) this._id = this.personalId;
});
// The worker's registry snapshot streams a province's citizens by commune; IDs the snapshot
// lacks are read by `_id` (the personal ID: the natural key, unique) or by old ID number.
// Every index is paid for on each imported citizen (on DocumentDB each one roughly halved the
// insert rate, see docs/scale.md), so there is none for a query the product does not send:
// no `personalId` index (the `_id` is it), no blocking-key indexes (the snapshot matches those in memory).
citizenSchema.index({ communeCode: 1 });
citizenSchema.index({ oldIdNumber: 1 });

export const citizenModel = (c: Connection) => c.model('Citizen', citizenSchema);
