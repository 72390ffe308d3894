import type { Config } from '../../config/index.js';
import { DEFAULT_COMPLETION_RULE, type CompletionRule } from './completion.js';

/** The administrative chain a missed deadline climbs, bottom to top. */
export const ESCALATION_LEVELS = ['commune', 'district', 'province', 'ministry'] as const;
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number];

/** Every number the deadline rules use; built once from the config by the entry points. */
export interface DeadlinePolicy {
  /** Round deadline when neither round, province nor campaign sets one. */
  defaultDeadlineMs: number;
  /** Reminders, in ms before the deadline, largest first. */
  reminderOffsetsMs: readonly number[];
  /** Time each level gets, from its escalation, before the next level is escalated. */
  levelDeadlineMs: Readonly<Record<EscalationLevel, number>>;
  /** At risk: deadline within `windowMs` and completion ratio under `completionBelow`. */
  atRisk: { windowMs: number; completionBelow: number };
  completion: CompletionRule;
  /** Sweeper period. */
  sweepEveryMs: number;
}

const DAY = 86_400_000;

export const DEFAULT_POLICY: DeadlinePolicy = Object.freeze({
  defaultDeadlineMs: 3 * DAY,
  reminderOffsetsMs: [DAY, 6 * 3_600_000],
  levelDeadlineMs: { commune: DAY, district: DAY, province: 2 * DAY, ministry: 3 * DAY },
  atRisk: { windowMs: DAY, completionBelow: 0.8 },
  completion: DEFAULT_COMPLETION_RULE,
  sweepEveryMs: 60_000,
});

type PolicyConfig = Pick<Config,
  | 'DEFAULT_DEADLINE_MS' | 'REMINDER_OFFSETS_MS' | 'ESCALATION_COMMUNE_MS' | 'ESCALATION_DISTRICT_MS'
  | 'ESCALATION_PROVINCE_MS' | 'ESCALATION_MINISTRY_MS' | 'AT_RISK_WINDOW_MS' | 'AT_RISK_COMPLETION'
  | 'COMPLETION_ACCEPTS' | 'COMPLETION_COUNTS_BACKLOG' | 'DEADLINE_SWEEP_MS'>;

export function policyFromConfig(c: PolicyConfig): DeadlinePolicy {
  return Object.freeze({
    defaultDeadlineMs: c.DEFAULT_DEADLINE_MS,
    reminderOffsetsMs: [...new Set(c.REMINDER_OFFSETS_MS)].sort((a, b) => b - a),
    levelDeadlineMs: {
      commune: c.ESCALATION_COMMUNE_MS,
      district: c.ESCALATION_DISTRICT_MS,
      province: c.ESCALATION_PROVINCE_MS,
      ministry: c.ESCALATION_MINISTRY_MS,
    },
    atRisk: { windowMs: c.AT_RISK_WINDOW_MS, completionBelow: c.AT_RISK_COMPLETION },
    completion: { accepts: c.COMPLETION_ACCEPTS, countBacklog: c.COMPLETION_COUNTS_BACKLOG },
    sweepEveryMs: c.DEADLINE_SWEEP_MS,
  });
}
