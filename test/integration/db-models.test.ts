import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';

let ctx: TestContext;
beforeAll(async () => { ctx = await createTestContext('models'); });
afterAll(async () => { await ctx?.close(); });

describe('models on the Mongo-wire server', () => {
  it('rejects a second result for the same (round, record) through the unique index', async () => {
    const { VerificationResult } = ctx.db.models;
    const doc = { roundId: 'verification-00001-1', recordId: 'R1', localityCode: '00001', outcome: 'verified' as const, score: 1 };
    await VerificationResult.create(doc);
    await expect(VerificationResult.create(doc)).rejects.toMatchObject({ code: 11000 });
    expect(await VerificationResult.countDocuments({ roundId: doc.roundId })).toBe(1);
  });

  it('upserts a dose record on its natural key without duplicating it', async () => {
    const { DoseRecord } = ctx.db.models;
    const rec = { recordId: 'D-1', communeCode: '00001', fullName: 'Nguyễn Văn An' };
    for (let i = 0; i < 2; i++) {
      // The natural key is the `_id` (the importer writes it so); `recordId` filters are `_id` filters.
      await DoseRecord.bulkWrite([{ updateOne: { filter: { _id: rec.recordId }, update: { $set: rec }, upsert: true } }]);
    }
    expect(await DoseRecord.countDocuments({ recordId: 'D-1' })).toBe(1);
    expect(await DoseRecord.countDocuments({})).toBe(1);
  });
});
