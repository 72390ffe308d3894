import { Schema, type Connection, type InferSchemaType } from 'mongoose';

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
citizenSchema.index({ personalId: 1 }, { unique: true });
// The worker's registry snapshot streams a province's citizens by commune.
citizenSchema.index({ communeCode: 1 });
citizenSchema.index({ oldIdNumber: 1 });
citizenSchema.index({ nameKey: 1, birthYear: 1, communeCode: 1 });
citizenSchema.index({ maskedKeys: 1 });

export type CitizenDoc = InferSchemaType<typeof citizenSchema>;
export const citizenModel = (c: Connection) => c.model('Citizen', citizenSchema);
