/** The values a round and its chunks take: defined here, imported by the models and the API. */
export const ROUND_KINDS = ['verification', 'correction'] as const;
export type RoundKind = (typeof ROUND_KINDS)[number];

export const ROUND_STATUSES = [
  'scheduled', 'verifying', 'awaiting_corrections', 'correction_round', 'completed', 'overdue', 'cancelled', 'failed',
] as const;
export type RoundStatus = (typeof ROUND_STATUSES)[number];

/** A verification chunk: planned, verified, or out of attempts. */
export const CHUNK_STATUSES = ['pending', 'done', 'failed'] as const;
export type ChunkStatus = (typeof CHUNK_STATUSES)[number];

/** The campaign's one settings document (`_id`). */
export const DEFAULT_CAMPAIGN_ID = 'default';
