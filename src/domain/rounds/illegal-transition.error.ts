import { AppError } from '../../lib/errors/index.js';

/** A lifecycle event that the round's current status does not accept (HTTP 409). */
export class IllegalTransitionError extends AppError {
  constructor(
    readonly from: string,
    readonly event: string,
    readonly allowed: readonly string[],
  ) {
    super(
      'illegal_transition',
      `a round in status "${from}" cannot take event "${event}"` +
        (allowed.length ? ` (allowed: ${allowed.join(', ')})` : ' (it is final)'),
      409,
      { from, event, allowed },
    );
  }
}
