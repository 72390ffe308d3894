import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeCounts, recordCorrection, recordResults, recordStates } from '../../src/db/repositories/record-state.repository.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

/**
 * The per-record current state has one writer and orders what it is told: a later-planned round's
 * result is never undone by an earlier round's (a chunk re-run after a correction round), and an
 * older correction never replaces a newer one.
 */
let ctx: TestContext;
const C = '00001';
const t = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m));

beforeAll(async () => { ctx = await createTestContext('record-state'); });
afterAll(async () => { await ctx?.close(); });

describe('record states', () => {
  it('a re-run of the verification round after its correction round leaves the correction round\'s outcome', async () => {
    const m = ctx.db.store;
    const v = { roundId: 'verification-00001-1', communeCode: C, plannedAt: t(1) };
    const c = { roundId: 'correction-00001-1', communeCode: C, plannedAt: t(5) };
    await recordResults(m, v, [{ recordId: 'R1', outcome: 'review' }, { recordId: 'R2', outcome: 'verified', personalId: '001090000001' }] as never, t(2), []);
    await recordResults(m, c, [{ recordId: 'R1', outcome: 'verified', personalId: '001090000002' }] as never, t(6), []);
    // The verification chunk runs again (a stalled job): R1 keeps the correction round's result.
    await recordResults(m, v, [{ recordId: 'R1', outcome: 'review' }, { recordId: 'R2', outcome: 'verified', personalId: '001090000001' }] as never, t(7), []);
    const states = await recordStates(m, ['R1', 'R2', 'R3']);
    expect(states.get('R1')).toMatchObject({ roundId: c.roundId, outcome: 'verified', personalId: '001090000002' });
    expect(states.get('R2')).toMatchObject({ roundId: v.roundId, outcome: 'verified', resultAt: t(7) });
    expect(states.has('R3')).toBe(false);
    expect(await outcomeCounts(m, C, [v.roundId, c.roundId])).toEqual({ verified: 2 });
    expect(await outcomeCounts(m, C, [v.roundId])).toEqual({ verified: 1 });
  });

  it('keeps the newest correction whatever order the writes come in, next to the result', async () => {
    const m = ctx.db.store;
    await recordCorrection(m, 'R1', C, { id: 'b', status: 'applied', at: t(9) });
    await recordCorrection(m, 'R1', C, { id: 'a', status: 'refused', at: t(8) });
    await recordCorrection(m, 'R4', C, { id: 'd', status: 'awaiting_signoff', at: t(3) });
    const states = await recordStates(m, ['R1', 'R4']);
    expect(states.get('R1')).toMatchObject({ outcome: 'verified', correction: { id: 'b', status: 'applied', at: t(9) } });
    expect(states.get('R4')).toMatchObject({ communeCode: C, outcome: null, correction: { id: 'd', status: 'awaiting_signoff' } });
  });
});
