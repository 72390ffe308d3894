import type { Unresolved } from '../domain/rounds/completion.js';
import type { EscalationLevel } from '../domain/rounds/policy.js';

/**
 * Notification payloads (pure): the locality, what is missing (counts only) and since when.
 * No names or ID numbers of citizens, and no contact names, ever go in here.
 */
export interface PlaceRef {
  code: string;
  name: string | null;
  level: string | null;
}

const OUTCOME_LABEL: Record<string, string> = {
  review: 'to review', not_found: 'not found in the registry', invalid: 'invalid', exempt: 'exempt',
  verified: 'verified', corrected: 'corrected',
};

export function describeUnresolved(u: Unresolved): string {
  // An escalation stored with no open outcome yet (nothing verified: the register was down) has none:
  // the store drops an empty object (mongoose's minimize), so it reads back absent.
  const parts = Object.entries(u.byOutcome ?? {}).map(([o, c]) => `${c} ${OUTCOME_LABEL[o] ?? o}`);
  if (u.unprocessed) parts.push(`${u.unprocessed} not yet verified`);
  if (u.backlog) parts.push(`${u.backlog} never entered`);
  return `${u.total} unresolved record${u.total === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

const placeText = (p: PlaceRef) => `${p.level ?? 'locality'} ${p.name ? `${p.name} (${p.code})` : p.code}`;

export function reminderMessage(input: {
  roundId: string; place: PlaceRef; unresolved: Unresolved; deadline: Date; offsetMs: number;
}) {
  const hours = Math.round((input.offsetMs / 3_600_000) * 10) / 10;
  return {
    type: 'reminder' as const,
    roundId: input.roundId,
    locality: input.place,
    unresolved: input.unresolved,
    deadline: input.deadline.toISOString(),
    offsetMs: input.offsetMs,
    text: `Reminder: ${placeText(input.place)} has ${describeUnresolved(input.unresolved)}; ` +
      `the round deadline is ${input.deadline.toISOString()} (${hours} h before it).`,
  };
}

export function escalationMessage(input: {
  roundId: string; place: PlaceRef; level: EscalationLevel; targetCode: string | null;
  unresolved: Unresolved; overdueSince: Date; escalatedAt: Date; deadline: Date; escalationId: string;
}) {
  return {
    type: 'escalation' as const,
    escalationId: input.escalationId,
    roundId: input.roundId,
    level: input.level,
    targetCode: input.targetCode,
    locality: input.place,
    unresolved: input.unresolved,
    overdueSince: input.overdueSince.toISOString(),
    escalatedAt: input.escalatedAt.toISOString(),
    deadline: input.deadline.toISOString(),
    text: `Escalation to ${input.level} level: ${placeText(input.place)} missed its deadline ` +
      `${input.overdueSince.toISOString()} and still has ${describeUnresolved(input.unresolved)}. ` +
      `Please act by ${input.deadline.toISOString()}, after which it goes to the next level.`,
  };
}
