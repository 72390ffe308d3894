import type { Outcome } from '../../domain/records.js';

/**
 * The completion rule: a round is complete when no record is unresolved. What resolves a record
 * is configurable: an outcome (`verified`, `corrected`, `exempt`, even `review`) or `explained`
 * (the locality accepted an explanation for a record the matcher could not settle).
 * Optionally the never-entered backlog (expected − entered records) counts as unresolved too.
 */
export type Resolution = 'verified' | 'corrected' | 'exempt' | 'review' | 'explained';

export interface CompletionRule {
  accepts: readonly Resolution[];
  countBacklog: boolean;
}

export const DEFAULT_COMPLETION_RULE: CompletionRule = {
  accepts: ['verified', 'corrected', 'exempt', 'explained'],
  countBacklog: false,
};

/** The counters a round carries; all optional so a fresh round reads as "nothing yet". */
export interface RoundCounters {
  totalRecords?: number | null;
  processedRecords?: number | null;
  counters?: Partial<Record<Outcome, number | null>> | null;
  /** Unresolved-outcome records whose explanation the locality accepted. */
  explainedRecords?: number | null;
  /** Records the locality should have entered (e.g. doses reported), for the backlog gap. */
  expectedRecords?: number | null;
  /** The matcher has run over every entered record (the finaliser ran). Default: processed ≥ total > 0. */
  finished?: boolean;
}

/** What is missing, by kind; counts only, never records. */
export interface Unresolved {
  /** Records not yet run through the matcher in this round. */
  unprocessed: number;
  /** Processed records whose outcome the rule does not accept, less accepted explanations. */
  byOutcome: Partial<Record<Outcome, number>>;
  /** Expected − entered, when the rule counts the backlog (else 0). */
  backlog: number;
  total: number;
}

export interface CompletionStatus {
  complete: boolean;
  /** 0–1: resolved / (entered + counted backlog); 1 for an empty, finished round. */
  ratio: number;
  resolved: number;
  unresolved: Unresolved;
}

const n = (v: number | null | undefined) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0);

/** Evaluate the completion rule on a round's counters (pure). */
export function evaluateCompletion(round: RoundCounters, rule: CompletionRule = DEFAULT_COMPLETION_RULE): CompletionStatus {
  const total = n(round.totalRecords);
  const processed = Math.min(n(round.processedRecords), total);
  const counters = round.counters ?? {};
  const accepts = new Set<string>(rule.accepts);

  let resolved = 0;
  const open: Partial<Record<Outcome, number>> = {};
  for (const [outcome, raw] of Object.entries(counters) as [Outcome, number | null][]) {
    const count = n(raw);
    if (count === 0) continue;
    if (accepts.has(outcome)) resolved += count;
    else open[outcome] = count;
  }
  // Explanations resolve open outcomes, largest first so the breakdown stays meaningful.
  let explained = accepts.has('explained') ? n(round.explainedRecords) : 0;
  for (const outcome of (Object.keys(open) as Outcome[]).sort((a, b) => open[b]! - open[a]!)) {
    const take = Math.min(explained, open[outcome]!);
    explained -= take;
    resolved += take;
    open[outcome] = open[outcome]! - take;
    if (open[outcome] === 0) delete open[outcome];
  }
  // Counters may lag the processed count (or be absent before the finaliser): anything
  // processed but not classified is treated as not yet processed.
  resolved = Math.min(resolved, processed);
  const openCount = Object.values(open).reduce((a, b) => a + b, 0);
  const unprocessed = Math.max(0, total - resolved - openCount);
  const backlog = rule.countBacklog ? Math.max(0, n(round.expectedRecords) - total) : 0;
  const denominator = total + backlog;
  const unresolvedTotal = unprocessed + openCount + backlog;
  const finished = round.finished ?? (total > 0 && processed >= total);
  return {
    complete: finished && unresolvedTotal === 0,
    ratio: denominator === 0 ? (finished ? 1 : 0) : resolved / denominator,
    resolved,
    unresolved: { unprocessed, byOutcome: open, backlog, total: unresolvedTotal },
  };
}
