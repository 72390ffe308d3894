/** What a personal-data access log entry records was read. */
export const ACCESS_KINDS = ['worklist', 'export', 'history', 'eligibility', 'corrections'] as const;
