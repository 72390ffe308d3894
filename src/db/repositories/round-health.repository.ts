import { OUTCOMES } from '../../domain/records.js';
import type { CompletionRule } from '../../domain/rounds/completion.js';
import type { RoundHealth } from '../../domain/rounds/escalation.js';
import { modelsOf } from '../open-store.js';
import type { Store } from '../store.js';

export type HealthCounts = Record<Exclude<RoundHealth, 'cancelled'>, number>;

const num = (field: string) => ({ $max: [0, { $ifNull: [field, 0] }] });

/**
 * Rounds on time, at risk, overdue and completed per locality, counted by the store: one
 * aggregation (`$group` with `$cond`) instead of streaming every round. The arithmetic is the
 * pure rules' (evaluateCompletion's ratio, roundHealth's labels) written as expressions:
 *   resolved = min(accepted outcomes + min(explained, open outcomes), processed)
 *   ratio    = resolved / (total + counted backlog), 0 when there is nothing to count
 *   health   = completed | overdue (deadline ≤ now) | at_risk (deadline ≤ now + window and
 *              ratio < the bar) | on_time
 */
export async function roundHealthByLocality(
  store: Store, policy: { atRisk: { windowMs: number; completionBelow: number }; completion: CompletionRule }, now: Date,
): Promise<Map<string, HealthCounts>> {
  const models = modelsOf(store);
  const accepts = new Set<string>(policy.completion.accepts);
  const sum = (outcomes: readonly string[]) => (outcomes.length ? { $add: outcomes.map((o) => num(`$counters.${o}`)) } : 0);
  const total = num('$totalRecords');
  const processed = { $min: [num('$processedRecords'), total] };
  const explained = accepts.has('explained') ? num('$explainedRecords') : 0;
  const backlog = policy.completion.countBacklog ? { $max: [0, { $subtract: [num('$expectedRecords'), total] }] } : 0;
  const resolved = {
    $min: [{ $add: [sum(OUTCOMES.filter((o) => accepts.has(o))), { $min: [explained, sum(OUTCOMES.filter((o) => !accepts.has(o)))] }] }, processed],
  };
  const denominator = { $add: [total, backlog] };
  const ratio = { $cond: [{ $eq: [denominator, 0] }, 0, { $divide: [resolved, denominator] }] };
  const health = {
    $switch: {
      branches: [
        { case: { $eq: ['$status', 'completed'] }, then: 'completed' },
        { case: { $lte: ['$deadline', now] }, then: 'overdue' },
        {
          case: { $and: [{ $lte: ['$deadline', new Date(now.getTime() + policy.atRisk.windowMs)] }, { $lt: [ratio, policy.atRisk.completionBelow] }] },
          then: 'at_risk',
        },
      ],
      default: 'on_time',
    },
  };
  const count = (label: string) => ({ $sum: { $cond: [{ $eq: ['$health', label] }, 1, 0] } });
  const rows = await models.Round.aggregate<HealthCounts & { _id: string }>([
    { $match: { status: { $ne: 'cancelled' } } },
    { $project: { localityCode: 1, health } },
    { $group: { _id: '$localityCode', on_time: count('on_time'), at_risk: count('at_risk'), overdue: count('overdue'), completed: count('completed') } },
  ]);
  return new Map(rows.map(({ _id, ...counts }) => [_id, counts]));
}
