import mongoose from 'mongoose';
import { describe, expect, it } from 'vitest';
import { registerModels } from '../../../src/db/models/index.js';
import { HOT_PATH_QUERIES, indexServes } from '../../../src/db/repositories/hot-path.js';

// Models on an unopened connection: only their schemas are read, nothing touches a server.
const models = registerModels(mongoose.createConnection()) as unknown as Record<string, mongoose.Model<unknown>>;

describe('hot-path query shapes', () => {
  it.each(HOT_PATH_QUERIES.map((q) => [`${q.model} ← ${q.from}`, q] as const))('%s has an index on MongoDB 7', (_label, q) => {
    const model = models[q.model];
    expect(model, `model ${q.model}`).toBeDefined();
    // Every collection has its `_id` index.
    const indexes = [['_id'], ...model!.schema.indexes().map(([keys]) => Object.keys(keys))];
    expect(indexes.some((keys) => indexServes(keys, q)), `${q.model} ${JSON.stringify(q)} vs ${JSON.stringify(indexes)}`).toBe(true);
  });

  it('the check itself refuses a shape no index serves', () => {
    expect(indexServes(['communeCode', 'recordId'], { equality: ['idNumber'] })).toBe(false);
    expect(indexServes(['roundId', 'outcome'], { equality: ['roundId'], range: 'chunk' })).toBe(false);
    expect(indexServes(['provinceCode', 'level', 'code'], { equality: ['level', 'provinceCode'] })).toBe(true);
  });

  it('natural keys are `_id` where a document has one', () => {
    for (const name of ['Citizen', 'DoseRecord', 'VerificationResult', 'VerificationChunk']) {
      expect(models[name]!.schema.path('_id').instance, name).toBe('String');
    }
  });
});
