/** What a personal-data access log entry records was read. */
export const ACCESS_KINDS = ['worklist', 'export', 'history', 'eligibility', 'corrections'] as const;

/** An export's access-log row: written `started` before the first row is sent, then settled once. */
export const EXPORT_STATUSES = ['started', 'completed', 'aborted'] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];
