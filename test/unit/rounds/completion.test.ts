import { describe, expect, it } from 'vitest';
import { evaluateCompletion } from '../../../src/domain/rounds/index.js';

describe('completion rule', () => {
  const base = { totalRecords: 100, processedRecords: 100 };

  it('is complete when every record is verified, corrected or exempt', () => {
    const r = evaluateCompletion({ ...base, counters: { verified: 90, corrected: 8, exempt: 2 } });
    expect(r).toMatchObject({ complete: true, ratio: 1, resolved: 100 });
    expect(r.unresolved.total).toBe(0);
  });

  it('counts review / not_found / invalid as unresolved until explanations are accepted', () => {
    const counters = { verified: 90, review: 6, not_found: 3, invalid: 1 };
    const open = evaluateCompletion({ ...base, counters });
    expect(open.complete).toBe(false);
    expect(open.unresolved).toEqual({ unprocessed: 0, byOutcome: { review: 6, not_found: 3, invalid: 1 }, backlog: 0, total: 10 });
    expect(open.ratio).toBeCloseTo(0.9);
    const explained = evaluateCompletion({ ...base, counters, explainedRecords: 10 });
    expect(explained.complete).toBe(true);
  });

  it('ignores explanations when the rule does not accept them', () => {
    const r = evaluateCompletion(
      { ...base, counters: { verified: 99, review: 1 }, explainedRecords: 1 },
      { accepts: ['verified', 'corrected'], countBacklog: false },
    );
    expect(r.complete).toBe(false);
  });

  it('optionally counts the never-entered backlog gap', () => {
    const round = { ...base, counters: { verified: 100 }, expectedRecords: 120 };
    expect(evaluateCompletion(round).complete).toBe(true);
    const strict = evaluateCompletion(round, { accepts: ['verified'], countBacklog: true });
    expect(strict).toMatchObject({ complete: false, unresolved: { backlog: 20, total: 20 } });
    expect(strict.ratio).toBeCloseTo(100 / 120);
  });

  it('is never complete before the matcher ran, even for an empty round', () => {
    expect(evaluateCompletion({}).complete).toBe(false);
    expect(evaluateCompletion({ totalRecords: 10, processedRecords: 4, counters: { verified: 4 } }))
      .toMatchObject({ complete: false, unresolved: { unprocessed: 6 } });
    expect(evaluateCompletion({ finished: true }).complete).toBe(true);
  });
});
