import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/**
 * Doses a facility reports it administered on a day, to compare with the records entered
 * (the backlog of doses never entered). Natural key (communeCode, facilityId, day): a new report
 * of the commune replaces its count. A facility belongs to one commune: the unique
 * (facilityId, day) index makes another commune's report of the same facility and day fail
 * atomically (409), so no commune can overwrite or take over another's report.
 */
export const doseReportSchema = new Schema(
  {
    facilityId: { type: String, required: true },
    communeCode: { type: String, required: true },
    /** `YYYY-MM-DD`. */
    day: { type: String, required: true },
    administered: { type: Number, required: true, min: 0 },
    reportedBy: { type: String, default: null },
  },
  { collection: 'doseReports', timestamps: true },
);
doseReportSchema.index({ communeCode: 1, facilityId: 1, day: 1 }, { unique: true });
doseReportSchema.index({ facilityId: 1, day: 1 }, { unique: true });

export type DoseReportDoc = InferSchemaType<typeof doseReportSchema>;
export const doseReportModel = (c: Connection) => c.model('DoseReport', doseReportSchema);
