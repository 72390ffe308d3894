import { Schema, type Connection, type InferSchemaType } from 'mongoose';

/** Insert-only audit of administrative acts (the correction sign-off requirement): who, what, before and after. */
export const auditEntrySchema = new Schema(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true },
    sub: { type: String, required: true },
    name: { type: String, default: '' },
    roles: { type: [String], default: [] },
    localityCode: { type: String, default: null },
    before: { type: Schema.Types.Mixed, default: null },
    after: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'audit_log', versionKey: false },
);
auditEntrySchema.index({ localityCode: 1, at: -1 });
auditEntrySchema.index({ at: -1 });

export type AuditEntry = InferSchemaType<typeof auditEntrySchema>;
export const auditEntryModel = (c: Connection) => c.model('AuditEntry', auditEntrySchema);
