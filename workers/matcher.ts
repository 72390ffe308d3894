import type { Models } from '../src/db/models/index.js';
import { exactMatcher } from '../src/db/repositories/exact-match.repository.js';

/** The engine the verification worker runs (the exact baseline until the matcher lands). */
export function createMatcher(models: Models) {
  return { match: exactMatcher(models), version: 'exact-0' };
}
