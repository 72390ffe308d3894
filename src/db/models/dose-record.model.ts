import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** A dose record as entered at the vaccination site (values kept exactly as typed). */
export const doseRecordSchema = new Schema(
  {
    /** Natural key: the record ID. Chunks read their records by `_id`. */
    _id: { type: String, required: true },
    recordId: { type: String, required: true },
    fullName: { type: String, default: '' },
    dateOfBirth: { type: String, default: '' },
    gender: { type: String, default: '' },
    idNumber: { type: String, default: '' },
    nationality: { type: String, default: '' },
    communeCode: { type: String, required: true },
    vaccine: { type: String },
    doseNumber: { type: Number },
    vaccinatedAt: { type: String },
    facilityId: { type: String },
    /** Optimistic concurrency: +1 per applied correction; a correction names the version it saw. */
    version: { type: Number, default: 0 },
    /** The version the last import wrote: a `version` above it was corrected since, and an import does not overwrite it. */
    importVersion: { type: Number },
    /**
     * The correction waiting for the police's sign-off on this version (its `_id`), else absent:
     * claimed with one conditional update (`openCorrection: null` in the filter), so one change
     * per record version goes through; cleared when it is applied, refused or superseded.
     */
    openCorrection: { type: String },
    /** Each move to another commune (POST /api/records/:id/transfer), pushed by the same update that moves it. */
    transfers: {
      type: [new Schema({ from: String, to: String, sub: String, reason: String, at: Date, version: Number }, { _id: false })],
      default: undefined,
    },
  },
  { collection: 'doseRecords', timestamps: true },
);
doseRecordSchema.pre('validate', function setNaturalId() {
  if (this._id == null) this._id = this.recordId;
});
/**
 * `recordId` is the `_id` (the natural key, unique by construction): a filter on it is answered
 * by the `_id` index, so the collection keeps no second unique index. Each index is paid for on
 * every imported record: on DocumentDB the `recordId` unique index and the `{communeCode,
 * recordId}` pair halved the import rate (docs/scale.md).
 */
doseRecordSchema.pre(
  ['find', 'findOne', 'findOneAndUpdate', 'updateOne', 'updateMany', 'countDocuments', 'deleteOne', 'deleteMany'],
  function recordIdIsTheId() {
    const { recordId, ...rest } = this.getFilter();
    if (recordId !== undefined && rest._id === undefined) this.setQuery({ ...rest, _id: recordId });
  },
);
// The planner reads a commune's record IDs (and sorts them itself).
doseRecordSchema.index({ communeCode: 1 });
/** Who a facility belongs to (dose reports): the communes whose records carry it, read from this index alone. */
doseRecordSchema.index({ facilityId: 1, communeCode: 1 });
// Passport eligibility finds a person's doses by the number entered.
doseRecordSchema.index({ idNumber: 1 });

export type DoseRecordDoc = InferSchemaType<typeof doseRecordSchema>;
export const doseRecordModel = (c: Connection) => c.model('DoseRecord', doseRecordSchema);
