import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY, dueEscalations, escalationChain, escalationTarget, nextEscalation, roundHealth,
} from '../../../src/domain/rounds/index.js';

const H = 3_600_000;
const t0 = new Date('2026-11-27T00:00:00Z');
const plus = (ms: number) => new Date(t0.getTime() + ms);
const policy = { levelDeadlineMs: { commune: 10 * H, district: 20 * H, province: 30 * H, ministry: 40 * H } };

describe('escalation chain', () => {
  it('climbs commune → district → province → ministry from the round level', () => {
    expect(escalationChain('commune')).toEqual(['commune', 'district', 'province', 'ministry']);
    expect(escalationChain('district')).toEqual(['district', 'province', 'ministry']);
  });

  it('targets the locality answering at each level', () => {
    const commune = { code: '00001', level: 'commune' as const, districtCode: '001', provinceCode: '01' };
    expect(['commune', 'district', 'province', 'ministry'].map((l) => escalationTarget(l as never, commune)))
      .toEqual(['00001', '001', '01', 'VN']);
  });

  it('is due at the round deadline, then at each level deadline, in order, and ends after the ministry', () => {
    const chain = escalationChain('commune');
    expect(nextEscalation(t0, chain, [])).toEqual({ level: 'commune', dueAt: t0 });
    const done = [{ level: 'commune' as const, deadline: plus(10 * H) }];
    expect(nextEscalation(t0, chain, done)).toEqual({ level: 'district', dueAt: plus(10 * H) });
    const all = chain.map((level) => ({ level, deadline: plus(H) }));
    expect(nextEscalation(t0, chain, all)).toBeNull();
  });

  it('never escalates the next level before an extended round deadline', () => {
    const done = [{ level: 'commune' as const, deadline: plus(10 * H) }];
    expect(nextEscalation(plus(50 * H), escalationChain(), done)).toEqual({ level: 'district', dueAt: plus(50 * H) });
  });

  it('catches up one level at a time, each getting its full deadline', () => {
    const due = dueEscalations(t0, escalationChain(), [], plus(100 * H), policy);
    expect(due).toEqual([{ level: 'commune', dueAt: t0 }]);
    const zero = { levelDeadlineMs: { commune: 0, district: 0, province: 0, ministry: 0 } };
    expect(dueEscalations(t0, escalationChain(), [], plus(1), zero).map((d) => d.level))
      .toEqual(['commune', 'district', 'province', 'ministry']);
  });
});

describe('round health', () => {
  const now = t0;
  it('is at risk within 24 h of the deadline under the completion threshold', () => {
    expect(roundHealth({ status: 'awaiting_corrections', deadline: plus(23 * H), ratio: 0.5 }, now, DEFAULT_POLICY)).toBe('at_risk');
    expect(roundHealth({ status: 'awaiting_corrections', deadline: plus(23 * H), ratio: 0.95 }, now, DEFAULT_POLICY)).toBe('on_time');
    expect(roundHealth({ status: 'verifying', deadline: plus(25 * H), ratio: 0 }, now, DEFAULT_POLICY)).toBe('on_time');
    expect(roundHealth({ status: 'verifying', deadline: plus(-1), ratio: 0.99 }, now, DEFAULT_POLICY)).toBe('overdue');
    expect(roundHealth({ status: 'completed', deadline: plus(-1), ratio: 1 }, now, DEFAULT_POLICY)).toBe('completed');
  });
  it('is at risk when the remaining work cannot be done at the round\'s pace, before the deadline (issue 28)', () => {
    // The case: 630 records waiting, one minute left, 80 % done: the window rule alone said "on time".
    const started = plus(-48 * H);
    const base = { status: 'awaiting_corrections', ratio: 0.8, startedAt: started };
    expect(roundHealth({ ...base, deadline: plus(60_000), resolved: 2520, remaining: 630 }, now, DEFAULT_POLICY)).toBe('at_risk');
    // Three days left, 400 to go at 50 a day since the start: at risk now, not once the deadline passes.
    expect(roundHealth({ ...base, ratio: 0.9, deadline: plus(72 * H), resolved: 100, remaining: 400 }, now, DEFAULT_POLICY)).toBe('at_risk');
    // The same work at 50 an hour: on time.
    expect(roundHealth({ ...base, ratio: 0.9, deadline: plus(72 * H), resolved: 2400, remaining: 400 }, now, DEFAULT_POLICY)).toBe('on_time');
    // Nothing resolved yet with work left: cannot finish at zero pace.
    expect(roundHealth({ ...base, ratio: 0.9, deadline: plus(72 * H), resolved: 0, remaining: 10 }, now, DEFAULT_POLICY)).toBe('at_risk');
    // While the matcher is verifying, the pace is the machine's: only the window rule applies.
    expect(roundHealth({ ...base, status: 'verifying', ratio: 0.9, deadline: plus(72 * H), resolved: 0, remaining: 10 }, now, DEFAULT_POLICY)).toBe('on_time');
    expect(roundHealth({ ...base, deadline: plus(-1), resolved: 1, remaining: 1 }, now, DEFAULT_POLICY)).toBe('overdue');
  });
});

