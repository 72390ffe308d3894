/** A notification's delivery state and what it announces. */
export const NOTIFICATION_STATUSES = ['pending', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];
export const NOTIFICATION_KINDS = ['reminder', 'escalation'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
