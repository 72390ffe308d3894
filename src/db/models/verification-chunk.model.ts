import { Schema, type Connection } from 'mongoose';
import { OUTCOMES } from '../../domain/records.js';

import { CHUNK_STATUSES } from '../../domain/rounds/values.js';

export { type ChunkStatus } from '../../domain/rounds/values.js';

/** `_id` of a chunk: round + chunk number. */
export const chunkId = (roundId: string, chunk: number) => `${roundId}/${chunk}`;

const countersShape = Object.fromEntries(OUTCOMES.map((o) => [o, { type: Number, default: 0 }]));

/**
 * One chunk of a round. Membership (`recordIds`) is fixed once by the planner, which inserts
 * every chunk of a round in one ordered insert (the first planner wins); after that each chunk
 * document has one writer, its chunk job, which records its own status and counts. The round's
 * counters are the settle job's sum of these documents.
 */
export const verificationChunkSchema = new Schema(
  {
    _id: { type: String, required: true },
    roundId: { type: String, required: true },
    chunk: { type: Number, required: true },
    /** How many chunks the round has (every chunk says so: a half-written plan is detectable). */
    of: { type: Number, required: true },
    recordIds: { type: [String], required: true },
    status: { type: String, enum: CHUNK_STATUSES, default: 'pending' },
    processed: { type: Number, default: 0 },
    counters: countersShape,
    attempts: { type: Number, default: 0 },
    error: { type: String },
    finishedAt: { type: Date },
  },
  { collection: 'verificationChunks', timestamps: true },
);
// The settle job and the round's progress read a round's chunks.
verificationChunkSchema.index({ roundId: 1, chunk: 1 });

export const verificationChunkModel = (c: Connection) => c.model('VerificationChunk', verificationChunkSchema);
