import type { Connection } from 'mongoose';
import type { Models } from '../src/db/models/index.js';
import { MongoRegistry, detectLookupStrategy } from '../src/db/repositories/registry-lookup.repository.js';
import { MATCHER_VERSION, matchRecords } from '../src/domain/matching/index.js';
import type { DoseRecordInput } from '../src/domain/records.js';

/** The engine the verification worker runs: the matcher over the MongoDB registry mirror. */
export async function createMatcher(models: Models, connection: Connection) {
  const registry = new MongoRegistry(models, await detectLookupStrategy(connection));
  return {
    match: (records: DoseRecordInput[]) => matchRecords(records, registry),
    version: MATCHER_VERSION,
  };
}
