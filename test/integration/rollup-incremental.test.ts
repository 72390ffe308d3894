import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRollupState, runRollup } from '../../src/dashboard/dashboard.service.js';
import { policyFromConfig } from '../../src/domain/rounds/policy.js';
import { parseEnv } from '../../src/config/index.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { seedCampaignRounds, seedRealLocalities } from '../helpers/dashboard-seed.js';
import { alterDocuments } from '../helpers/fixtures.js';

/**
 * The incremental rollup: after a full run, a run reads only the verification rounds changed
 * since (updatedAt cursor) and gives the same documents a full run gives; another process's run
 * in between, or a stale state, falls back to a full read.
 */
let ctx: TestContext;
const policy = policyFromConfig(parseEnv({}));
const HOUR = 3_600_000;

beforeAll(async () => {
  ctx = await createTestContext('rollinc');
  await seedRealLocalities(ctx.db.store);
  await seedCampaignRounds(ctx.db.store, { now: new Date(), provinces: ['01'] });
  // The seeded rounds were last changed an hour ago: an incremental run must not read them.
  await alterDocuments(ctx.db.store, 'Round', {}, { updatedAt: new Date(Date.now() - HOUR) }, { asStored: true });
}, 120_000); // the real administrative units (10,599) loaded and a province of synthetic rounds seeded

afterAll(async () => { await ctx?.close(); });

const docsOf = async () => new Map((await ctx.db.models.LocalityProgress.find({}, { hash: 1 }).lean()).map((d) => [d._id, d.hash]));

describe('incremental rollup', () => {
  it('reads only the rounds changed since the last run and writes what they change', async () => {
    const { models } = ctx.db;
    const state = newRollupState();
    const first = await runRollup(ctx.db.store, policy, new Date(), undefined, state);
    expect(first.mode).toBe('full');
    expect(first.rounds).toBeGreaterThan(500);

    const quiet = await runRollup(ctx.db.store, policy, new Date(), undefined, state);
    expect(quiet).toMatchObject({ mode: 'incremental', roundsChanged: 0 });

    // Two communes' rounds move on (through the model, so updatedAt is stamped as every writer does).
    const two = await models.Round.find({ kind: 'verification' }, { _id: 1, localityCode: 1, totalRecords: 1 }).sort({ _id: 1 }).limit(2).lean();
    for (const r of two) await alterDocuments(ctx.db.store, 'Round', { _id: r._id }, { status: 'completed', processedRecords: r.totalRecords, 'counters.verified': r.totalRecords, finishedAt: new Date() });
    const next = await runRollup(ctx.db.store, policy, new Date(), undefined, state);
    expect(next.mode).toBe('incremental');
    expect(next.roundsChanged).toBe(2);
    // The two communes, their districts, the province and the nation changed.
    expect(next.written).toBeGreaterThanOrEqual(4);
    const commune = await models.LocalityProgress.findById(two[0]!.localityCode).lean();
    expect(commune!.records.verified).toBe(two[0]!.totalRecords);

    // The same documents a full run from nothing computes.
    const incremental = await docsOf();
    await runRollup(ctx.db.store, policy, new Date());
    expect(await docsOf()).toEqual(incremental);
  });

  it('falls back to a full read after another process wrote the rollup', async () => {
    const state = newRollupState();
    await runRollup(ctx.db.store, policy, new Date(), undefined, state);
    await runRollup(ctx.db.store, policy, new Date()); // another process
    const after = await runRollup(ctx.db.store, policy, new Date(), undefined, state);
    expect(after.mode).toBe('full');
  });
});
