/** A notification's delivery state and what it announces. */
export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed'] as const;
export const NOTIFICATION_KINDS = ['reminder', 'escalation'] as const;
