import type { RoundKind, RoundStatus } from '../../domain/rounds/values.js';
import { ConflictError, NotFoundError } from '../../lib/errors/index.js';
import { transition, type RoundEvent, type TransitionResult } from '../../domain/rounds/lifecycle.js';
import { IllegalTransitionError } from '../../domain/rounds/illegal-transition.error.js';
import { modelsOf } from '../open-store.js';
import { duplicateKeyIndexes } from './query.js';
import type { Store } from '../store.js';

/** What a transition may set besides the status: when and how big the run was, and why it failed. */
export interface LifecycleFields {
  startedAt?: Date;
  finishedAt?: Date;
  totalRecords?: number;
  chunks?: number;
  error?: string | null;
  /** The run of the round's jobs (a retry starts the next one). */
  generation?: number;
}

export interface ApplyTransitionOptions {
  now?: Date;
  /** Human reason stored in the transition record; defaults to the event name. */
  cause?: string;
  /** Lifecycle fields set in the same atomic update; counters and outcome are settle's (round-settle.repository.ts). */
  set?: LifecycleFields;
  /** Return null instead of throwing when the current status does not accept the event. */
  ifAllowed?: boolean;
  /**
   * The status the caller expects the round in: one conditional update, no read; null when the
   * round is not in it (implies `ifAllowed`).
   */
  expect?: RoundStatus;
  /** Extra precondition on the document (e.g. `{ deadline: { $lte: now } }`); unmet → null. */
  where?: Record<string, unknown>;
}

/**
 * Apply a lifecycle event to a Round document atomically: one findOneAndUpdate with the status
 * the transition was computed from in its filter, pushing the transition record in the same
 * write; its result says whether it happened. Without `expect`, the status is read first, and
 * when another writer moved the round in between, the event is re-evaluated against the new
 * status (a few times, then 409).
 */
export async function applyRoundTransition(
  store: Store,
  roundId: string,
  event: RoundEvent,
  opts: ApplyTransitionOptions = {},
): Promise<TransitionResult | null> {
  const { Round } = modelsOf(store);
  const now = opts.now ?? new Date();
  const apply = async (from: RoundStatus): Promise<TransitionResult | null> => {
    const result = transition({ status: from }, event, now, opts.cause);
    const moved = await Round.findOneAndUpdate(
      { ...opts.where, _id: roundId, status: from },
      { $set: { ...opts.set, status: result.status }, $push: { transitions: result.record } },
      { projection: { _id: 1 } },
    ).lean();
    return moved ? result : null;
  };
  if (opts.expect) {
    try {
      return await apply(opts.expect);
    } catch (err) {
      if (err instanceof IllegalTransitionError) return null;
      throw err;
    }
  }
  // Three tries: each retry means someone else moved the round, which is rare and short-lived.
  for (let attempt = 0; attempt < 3; attempt++) {
    const round = await Round.findOne({ ...opts.where, _id: roundId }, { status: 1 }).lean();
    if (!round) {
      if (opts.where && (await Round.exists({ _id: roundId }))) return null;
      throw new NotFoundError(`round ${roundId} not found`);
    }
    try {
      const done = await apply(round.status as RoundStatus);
      if (done) return done;
    } catch (err) {
      if (opts.ifAllowed && err instanceof IllegalTransitionError) return null;
      throw err;
    }
  }
  throw new ConflictError(`round ${roundId} kept changing status while applying "${event}"; try again`);
}

/** A round's kind and commune (one `_id` read), or null. */
export async function roundKindOf(store: Store, roundId: string) {
  const models = modelsOf(store);
  return models.Round.findById(roundId, { kind: 1, localityCode: 1 }).lean();
}

export interface NewRound { _id: string; localityCode: string; kind: RoundKind; seq: number; deadline: Date; recordIds?: string[]; recordSetKey?: string }

/**
 * Create rounds that do not exist yet: one unordered insert (one round trip); a round that exists
 * is refused by its `_id` (duplicate key) and left as it is, its `updatedAt` too (the dashboard
 * rollup reads rounds by `updatedAt`: re-posting a district's rounds must not make it re-read
 * them). Returns the IDs this call created. An insert, not an upsert: two requests racing on one
 * `_id` are told apart by the unique index on every store (concurrent upserts may both report an
 * insert), so exactly one of them learns it created the round.
 */
export async function insertRounds(store: Store, rounds: NewRound[], now: Date, cause = 'created'): Promise<Set<string>> {
  const models = modelsOf(store);
  if (rounds.length === 0) return new Set();
  const written = new Date();
  // Through the model for its defaults (counters at 0 …), inserted as plain documents.
  const docs = rounds.map((r) => ({
    ...new models.Round({ ...r, status: 'scheduled', transitions: [{ from: null, to: 'scheduled', at: now, cause }] }).toObject(),
    createdAt: written, updatedAt: written,
  }));
  let refused: number[] = [];
  await models.Round.collection.insertMany(docs as never[], { ordered: false }).catch((err: unknown) => {
    const dup = duplicateKeyIndexes(err);
    if (!dup) throw err;
    refused = dup;
  });
  const lost = new Set(refused);
  return new Set(rounds.filter((_, i) => !lost.has(i)).map((r) => r._id));
}

/**
 * Move a round's deadline, in one findOneAndUpdate conditional on the deadline and status it was
 * computed from (two coordinators at once: one wins): the new deadline, the change record, and
 * for an overdue round the `deadline_extended` transition back to awaiting corrections. Returns
 * false when the round changed meanwhile.
 */
export async function moveRoundDeadline(
  store: Store, roundId: string, from: { deadline: Date; status: RoundStatus }, to: Date, reason: string, now: Date, by: string | null = null,
): Promise<boolean> {
  const models = modelsOf(store);
  const extended = from.status === 'overdue' ? transition({ status: from.status }, 'deadline_extended', now, `deadline moved to ${to.toISOString()}`) : null;
  const res = await models.Round.findOneAndUpdate(
    { _id: roundId, deadline: from.deadline, status: from.status },
    {
      $set: { deadline: to, ...(extended ? { status: extended.status } : {}) },
      $push: { deadlineChanges: { from: from.deadline, to, at: now, reason, by }, ...(extended ? { transitions: extended.record } : {}) },
    },
    { projection: { _id: 1 } },
  ).lean();
  return res !== null;
}

/**
 * Move a stalled round's jobs to their next run: `generation` set and the re-plan recorded, in one
 * findOneAndUpdate conditional on the round still being in `statuses` at the run it was read at
 * (a round without the field is at its retries' count). False when it changed meanwhile: someone
 * else re-planned it, or it moved on.
 */
export async function markReplanned(
  store: Store, roundId: string, from: { statuses: readonly RoundStatus[]; generation: number }, replan: { at: Date; cause: string; by: string | null },
): Promise<boolean> {
  const models = modelsOf(store);
  const generation = from.generation + 1;
  const res = await models.Round.findOneAndUpdate(
    { _id: roundId, status: { $in: from.statuses }, generation: { $in: [from.generation, null] } },
    { $set: { generation }, $push: { replans: { ...replan, generation } } },
    { projection: { _id: 1 } },
  ).lean();
  return res !== null;
}
