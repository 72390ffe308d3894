import { describe, expect, it } from 'vitest';
import {
  DEFAULT_POLICY, deadlineProblem, daysLeft, dueReminder, pendingReminders, policyFromConfig, resolveRoundDeadline,
} from '../../../src/domain/rounds/index.js';
import { parseEnv } from '../../../src/config/index.js';

const H = 3_600_000;
const t0 = new Date('2026-11-27T00:00:00Z');
const plus = (ms: number) => new Date(t0.getTime() + ms);

describe('round deadline', () => {
  const policy = DEFAULT_POLICY;
  it('defaults to 3 days from enqueue', () => {
    expect(resolveRoundDeadline({ enqueuedAt: t0, policy })).toEqual({ deadline: plus(72 * H), source: 'default' });
  });
  it('takes the round, then the province, then the campaign setting', () => {
    const campaign = { roundDeadlineMs: 48 * H, provinces: [{ provinceCode: '01', roundDeadlineMs: 24 * H }] };
    expect(resolveRoundDeadline({ enqueuedAt: t0, policy, campaign, provinceCode: '79' }))
      .toEqual({ deadline: plus(48 * H), source: 'campaign' });
    expect(resolveRoundDeadline({ enqueuedAt: t0, policy, campaign, provinceCode: '01' }))
      .toEqual({ deadline: plus(24 * H), source: 'province' });
    expect(resolveRoundDeadline({ enqueuedAt: t0, policy, campaign, provinceCode: '01', override: plus(5 * H) }))
      .toEqual({ deadline: plus(5 * H), source: 'round' });
  });
  it('never computes past the national deadline', () => {
    const campaign = { nationalDeadline: plus(30 * H) };
    expect(resolveRoundDeadline({ enqueuedAt: t0, policy, campaign }).deadline).toEqual(plus(30 * H));
  });
  it('names the problem with a requested deadline', () => {
    expect(deadlineProblem(plus(-1), t0)).toMatch(/not in the future/);
    expect(deadlineProblem(plus(40 * H), t0, plus(30 * H))).toMatch(/after the national deadline/);
    expect(deadlineProblem(plus(H), t0)).toBeNull();
  });
  it('counts days left rounding up', () => {
    expect(daysLeft(plus(25 * H), t0)).toBe(2);
    expect(daysLeft(plus(-25 * H), t0)).toBe(-1);
  });
});

describe('reminders', () => {
  const deadline = plus(72 * H);
  const offsets = [24 * H, 6 * H];
  it('are 24 h and 6 h before the deadline by default', () => {
    expect(pendingReminders(deadline, DEFAULT_POLICY.reminderOffsetsMs, t0).map((r) => r.at))
      .toEqual([plus(48 * H), plus(66 * H)]);
  });
  it('sends the most urgent due reminder once, skipping overtaken ones, never after the deadline', () => {
    expect(dueReminder(deadline, offsets, new Set(), plus(47 * H))).toBeNull();
    expect(dueReminder(deadline, offsets, new Set(), plus(50 * H))?.offsetMs).toBe(24 * H);
    expect(dueReminder(deadline, offsets, new Set([24 * H]), plus(50 * H))).toBeNull();
    expect(dueReminder(deadline, offsets, new Set(), plus(67 * H))?.offsetMs).toBe(6 * H);
    expect(dueReminder(deadline, offsets, new Set([6 * H]), plus(67 * H))).toBeNull();
    expect(dueReminder(deadline, offsets, new Set(), plus(73 * H))).toBeNull();
  });
});

describe('policy from config', () => {
  it('reads the environment with defaults and sorts the reminder offsets', () => {
    const p = policyFromConfig(parseEnv({ REMINDER_OFFSETS_MS: '100,400', ESCALATION_PROVINCE_MS: '50' }));
    expect(p.reminderOffsetsMs).toEqual([400, 100]);
    expect(p.levelDeadlineMs).toEqual({ commune: 86_400_000, district: 86_400_000, province: 50, ministry: 3 * 86_400_000 });
    expect(p.completion.accepts).toEqual(['verified', 'corrected', 'exempt', 'explained']);
  });
  it('rejects a bad variable by name', () => {
    expect(() => parseEnv({ REMINDER_OFFSETS_MS: '10,x' })).toThrow(/REMINDER_OFFSETS_MS/);
    expect(() => parseEnv({ COMPLETION_ACCEPTS: 'verified,maybe' })).toThrow(/COMPLETION_ACCEPTS/);
  });
});
