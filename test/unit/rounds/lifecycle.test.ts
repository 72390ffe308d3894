import { describe, expect, it } from 'vitest';
import { ROUND_STATUSES } from '../../../src/db/models/round.model.js';
import {
  IllegalTransitionError, ROUND_TRANSITIONS, allowedEvents, canTransition, isFinal, transition,
} from '../../../src/domain/rounds/index.js';

const at = new Date('2026-11-27T08:00:00Z');

describe('round lifecycle', () => {
  it('walks the happy path and records from, to, time and cause', () => {
    let status = 'scheduled' as const as (typeof ROUND_STATUSES)[number];
    const path = ['start', 'verification_done', 'correction_started', 'correction_done', 'all_resolved'] as const;
    const seen: string[] = [status];
    for (const event of path) {
      const r = transition({ status }, event, at, `because ${event}`);
      expect(r.record).toEqual({ from: status, to: r.status, at, cause: `because ${event}` });
      status = r.status;
      seen.push(status);
    }
    expect(seen).toEqual(['scheduled', 'verifying', 'awaiting_corrections', 'correction_round', 'awaiting_corrections', 'completed']);
  });

  it('goes overdue only from awaiting_corrections and comes back on extension', () => {
    expect(transition({ status: 'awaiting_corrections' }, 'deadline_missed', at).status).toBe('overdue');
    expect(transition({ status: 'overdue' }, 'deadline_extended', at).status).toBe('awaiting_corrections');
    expect(transition({ status: 'overdue' }, 'all_resolved', at).status).toBe('completed');
    expect(canTransition('verifying', 'deadline_missed')).toBe(false);
    expect(canTransition('scheduled', 'deadline_missed')).toBe(false);
  });

  it('rejects an illegal event with an error naming the status, the event and what is allowed', () => {
    expect(() => transition({ status: 'completed' }, 'start', at)).toThrow(IllegalTransitionError);
    // toThrow with an object compares the thrown error's own fields: a transition that does not
    // throw, or throws something else, fails here (a try/catch would pass silently).
    expect(() => transition({ status: 'scheduled' }, 'all_resolved', at)).toThrow(
      expect.objectContaining({
        constructor: IllegalTransitionError,
        status: 409,
        message: 'a round in status "scheduled" cannot take event "all_resolved" (allowed: start, cancel)',
      }),
    );
  });

  it('covers every model status, and final statuses accept nothing', () => {
    expect(Object.keys(ROUND_TRANSITIONS).sort()).toEqual([...ROUND_STATUSES].sort());
    for (const s of ROUND_STATUSES) {
      if (isFinal(s)) expect(allowedEvents(s)).toEqual([]);
      else expect(allowedEvents(s)).toContain('cancel');
    }
  });
});
