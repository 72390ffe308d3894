import type { DeadlineDeps } from './deps.js';
import { reconcileRound } from './reconcile.js';

/**
 * Hooks for the round producers and the verification worker:
 *   onRoundsCreated(ids)        → after POST /api/rounds created rounds: schedules their timers.
 *   onRoundFinished(id, status) → after a status change (completed closes escalations and
 *                                 cancels timers; awaiting_corrections past the deadline → overdue).
 * Both are idempotent; if a hook call is lost (crash), the sweeper does the same work later.
 */
export function deadlineHooks(deps: DeadlineDeps) {
  const reconcileAll = async (ids: string[]) => {
    for (const id of ids) await reconcileRound(deps, id);
  };
  return {
    onRoundsCreated: reconcileAll,
    onRoundFinished: async (roundId: string, _status?: string) => { await reconcileRound(deps, roundId); },
  };
}
