import type { Store } from '../db/store.js';
import { expectedRecords } from '../db/repositories/backlog.repository.js';
import { countExplained } from '../db/repositories/corrections.repository.js';
import { readForSettle, writeSettlement, type SettleView, type Settlement } from '../db/repositories/round-settle.repository.js';
import { roundChunks, sumChunks } from '../db/repositories/verification.repository.js';
import { communeCycle } from '../db/repositories/worklist.repository.js';
import { outcomeCounts } from '../db/repositories/record-state.repository.js';
import { OUTCOMES } from '../domain/records.js';
import { evaluateCompletion, type CompletionRule } from '../domain/rounds/completion.js';
import { isFinal, transition, type RoundEvent } from '../domain/rounds/lifecycle.js';
import type { RoundStatus } from '../domain/rounds/values.js';
import { ConflictError } from '../lib/errors/index.js';

export interface SettleDeps {
  store: Store;
  /** Which outcomes settle a record (the campaign's completion rule). */
  completion?: CompletionRule;
  now?: () => Date;
}

export interface SettleResult {
  roundId: string;
  status: RoundStatus;
  /** The status this settle moved the round to, if it moved it. */
  moved: RoundStatus | null;
  /** What was written; null when the round was still being verified (nothing written). */
  settlement: Settlement | null;
}

export interface SettleOptions {
  /** The verification queue's settle job: every chunk of the round has ended (done or out of attempts). */
  chunksEnded?: boolean;
}

// A retry means another settle or a transition wrote the round meanwhile: rare, short-lived.
const ATTEMPTS = 5;

/**
 * The one writer of a round's counters and verification outcome, keyed by round, recomputed from
 * the sources every time (idempotent): the chunks' own counts, for a verification round after
 * correction rounds its records' current states (record-state.repository.ts), the accepted
 * explanations and the reported backlog. It decides the transition these figures call for and writes both in one conditional
 * update: the verification settle (`verifying` → failed, completed or awaiting corrections),
 * a correction round starting (→ `correction_round`) and ending (`correction_round` → completed
 * or awaiting corrections), an explanation or a dose report completing a round the locality
 * holds. Runs only in workers: the verification flow's settle parent (chunksEnded) and the
 * `rounds` queue's settle-round job, which every act enqueues (RoundEvents.changed).
 */
export async function settleRound(deps: SettleDeps, roundId: string, opts: SettleOptions = {}): Promise<SettleResult | null> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const round = await readForSettle(deps.store, roundId);
    if (!round) return null;
    // Not yet planned again, or still being verified (only the settle job knows its chunks ended).
    if (round.status === 'scheduled' || (round.status === 'verifying' && !opts.chunksEnded)) return { roundId, status: round.status, moved: null, settlement: null };
    const { settlement, unfinished, running } = await compute(deps.store, round);
    const decided = decide(round, settlement, unfinished, running, deps.completion);
    const now = deps.now?.() ?? new Date();
    const move = decided && {
      record: transition({ status: round.status }, decided.event, now, decided.cause).record,
      set: decided.event === 'fail' ? { finishedAt: now, error: decided.error } : decided.finishes ? { finishedAt: now } : {},
    };
    if (await writeSettlement(deps.store, round, settlement, move || undefined)) {
      return { roundId, status: move ? move.record.to : round.status, moved: move ? move.record.to : null, settlement };
    }
  }
  throw new ConflictError(`round ${roundId} kept changing while it was being settled; settle runs again`);
}

async function compute(store: Store, round: SettleView) {
  const chunks = await roundChunks(store, round._id);
  const { counters, total } = sumChunks(chunks);
  const unfinished = chunks.filter((c) => c.status !== 'done');
  const settlement: Settlement = { counters, processedRecords: total, explainedRecords: 0, expectedRecords: null };
  let running = false;
  if (round.kind === 'verification') {
    const cycle = await communeCycle(store, round.localityCode);
    if (cycle.verification?._id === round._id) {
      // After correction rounds the records' current states count (a correction round's newer
      // result over the verification round's own): one aggregation.
      if (cycle.corrections.length > 0) {
        const current = await outcomeCounts(store, round.localityCode, [round._id, ...cycle.corrections.map((r) => r._id)]);
        for (const o of OUTCOMES) counters[o] = current[o] ?? 0;
      }
      running = cycle.corrections.some((r) => !isFinal(r.status as RoundStatus) && r.status !== 'failed');
    }
    const [explained, expected] = await Promise.all([
      countExplained(store, round._id), expectedRecords(store, round.localityCode, round.totalRecords || total),
    ]);
    settlement.explainedRecords = explained;
    settlement.expectedRecords = expected;
  }
  return { settlement, unfinished, running };
}

interface Decision { event: RoundEvent; cause: string; finishes?: boolean; error?: string }

function decide(
  round: SettleView, s: Settlement, unfinished: Awaited<ReturnType<typeof roundChunks>>, running: boolean, rule?: CompletionRule,
): Decision | null {
  const complete = () => evaluateCompletion({ totalRecords: round.totalRecords, ...s, finished: true }, rule).complete;
  switch (round.status) {
    case 'verifying':
      if (unfinished.length > 0) {
        const error = unfinished.map((c) => `chunk ${c.chunk}: ${c.error ?? 'did not finish'}`).slice(0, 5).join('; ');
        return { event: 'fail', cause: 'a chunk exhausted its attempts', error };
      }
      // A correction round's open records stay on its verification round: it is done when verified.
      if (round.kind === 'correction') return { event: 'all_resolved', cause: 're-verification done; open records stay on the verification round', finishes: true };
      return { event: complete() ? 'all_resolved' : 'verification_done', cause: 'verification finished', finishes: true };
    case 'correction_round':
      if (running) return null;
      return complete()
        ? { event: 'all_resolved', cause: 'correction rounds finished', finishes: true }
        : { event: 'correction_done', cause: 'correction rounds finished' };
    case 'awaiting_corrections':
    case 'overdue':
      // A correction round was created for it: the verification round waits for it.
      if (running) return { event: 'correction_started', cause: 'a correction round re-verifies its records' };
      return complete() ? { event: 'all_resolved', cause: 'completion rule met', finishes: true } : null;
    default:
      return null;
  }
}
