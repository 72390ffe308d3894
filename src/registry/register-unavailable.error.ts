import type { MatchResult } from '../domain/records.js';

/** Why the register cannot be used now: the chunk waits (delayed job), it does not fail. */
export type UnavailableReason = 'circuit_open' | 'quota' | 'maintenance' | 'overloaded' | 'failing';

/**
 * The population register cannot be called now (circuit open, quota spent, 429, 503, failures in a
 * row). The verification chunk turns it into a delayed job: no attempt burnt, never a failed chunk.
 */
export class RegisterUnavailableError extends Error {
  /**
   * The records of the batch the register did answer before it stepped aside, decided: the chunk
   * saves them before it waits, so that the register is never asked twice about a subject.
   */
  partial: MatchResult[] = [];

  constructor(readonly retryAfterMs: number, readonly reason: UnavailableReason) {
    super(`population register unavailable (${reason}); retry in ${Math.ceil(retryAfterMs / 1000)} s`);
    this.name = 'RegisterUnavailableError';
  }
}
