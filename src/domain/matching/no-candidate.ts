/** Evidence of decisions made with no citizen to compare (exempt, invalid, nobody found): shared, frozen. */
import type { MatchEvidence } from '../records.js';

export const NO_CANDIDATE: Readonly<Record<string, MatchEvidence>> = Object.freeze({
  foreign_passport: Object.freeze({ rule: 'foreign_passport' }),
  invalid: Object.freeze({ rule: 'invalid' }),
  no_candidate: Object.freeze({ rule: 'no_candidate' }),
  foreign_no_match: Object.freeze({ rule: 'foreign_no_match' }),
});
