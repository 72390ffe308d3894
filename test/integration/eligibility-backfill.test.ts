import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backfillEligibilityProjection, recordCorrection, recordResults, recordStates } from '../../src/db/repositories/record-state.repository.js';
import { citizenEligibility } from '../../src/eligibility/eligibility.service.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { insertCitizens, insertDoses, seedDocuments } from '../helpers/fixtures.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';

/**
 * The eligibility projection's backfill (issue 30): record states written before the chunk job
 * wrote the projection (no `citizen`, no `dose`) are invisible to eligibility, which answers from
 * the projection alone. `backfillEligibilityProjection` rebuilds it from the store — the linked
 * person, else the citizen ID entered; the record's vaccine, dose and date — leaves states that
 * have it alone, and changes nothing when run again (here through `vaxverify eligibility backfill`).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const C = '00001';
const ROUND = 'verification-00001-1';
let ctx: TestContext;
const citizens = makeCitizens(C, 4);
const doses = makeDoses(citizens, `B${C}`);
const [LINKED, ENTERED, WRITTEN] = [0, 1, 2].map((i) => citizens[i]!);
const planned = new Date(Date.UTC(2026, 0, 1));

/** A state as stored before the projection existed: exactly these fields. */
const oldState = (recordId: string, outcome: string, personalId: string | null) =>
  ({ _id: recordId, communeCode: C, roundId: ROUND, plannedAt: planned, outcome, personalId, resultAt: planned, correction: null });

function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MONGO_URL: ctx.mongoUrl, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`vaxverify ${args.join(' ')} did not finish:\n${out}\n${err}`)); }, 50_000);
    child.on('exit', (code) => { clearTimeout(timer); resolve({ code, out, err }); });
  });
}

beforeAll(async () => {
  ctx = await createTestContext('elig-backfill');
  await insertCitizens(ctx.db.store, citizens);
  await insertDoses(ctx.db.store, doses);
  await seedDocuments(ctx.db.store, 'RecordState', [
    // Linked by the matcher to LINKED; not linked (not found), entered with ENTERED's ID.
    oldState(doses[0]!.recordId, 'verified', LINKED!.personalId),
    oldState(doses[1]!.recordId, 'not_found', null),
    // A state whose dose record is gone: nothing to show, left as it is.
    oldState(`B${C}-gone`, 'verified', citizens[3]!.personalId),
  ], { asStored: true });
  // A state the chunk job wrote with its projection (its one writer), and one with a correction but no result yet.
  await recordResults(ctx.db.store, { roundId: ROUND, communeCode: C, plannedAt: planned }, [{ recordId: doses[2]!.recordId, outcome: 'verified', personalId: WRITTEN!.personalId }] as never, planned,
    [{ ...doses[2]!, vaccine: 'Spikevax' }]);
  await recordCorrection(ctx.db.store, doses[3]!.recordId, C, { id: 'c1', status: 'pending', at: planned });
}, 60_000);

afterAll(async () => { await ctx?.close(); });

describe('eligibility projection backfill', () => {
  it('before it, eligibility does not see doses verified before the projection existed', async () => {
    expect(await citizenEligibility(ctx.db.store, LINKED!.personalId)).toMatchObject({ eligible: false, reason: 'no_doses', doses: [] });
    expect(await citizenEligibility(ctx.db.store, ENTERED!.personalId)).toMatchObject({ reason: 'no_doses' });
  });

  it('writes the projection of those states from the store, page by page, and leaves the others alone', async () => {
    const report = await backfillEligibilityProjection(ctx.db.store, { batch: 2 });
    expect(report).toEqual({ scanned: 3, written: 2, noRecord: 1 });
    const states = await recordStates(ctx.db.store, doses.map((d) => d.recordId));
    expect(states.get(doses[0]!.recordId)).toMatchObject({ citizen: LINKED!.personalId, dose: { vaccine: 'Comirnaty', doseNumber: 1, vaccinatedAt: '2021-09-01' }, outcome: 'verified', roundId: ROUND });
    // Not linked: the citizen ID it was entered with.
    expect(states.get(doses[1]!.recordId)).toMatchObject({ citizen: ENTERED!.personalId, dose: { vaccine: 'Comirnaty' }, outcome: 'not_found' });
    // The chunk job's projection is kept as it wrote it (its vaccine, not the record's).
    expect(states.get(doses[2]!.recordId)).toMatchObject({ citizen: WRITTEN!.personalId, dose: { vaccine: 'Spikevax' } });
    // No result yet: no projection (eligibility shows verified doses only).
    expect(states.get(doses[3]!.recordId)).toMatchObject({ roundId: null, dose: null });
  });

  it('eligibility now answers from the projection: the verified dose, the unverified one', async () => {
    const linked = await citizenEligibility(ctx.db.store, LINKED!.personalId);
    expect(linked).toMatchObject({ eligible: false, reason: 'incomplete_series', series: { counted: 1, needed: 2 } });
    expect(linked.doses).toEqual([{ recordId: doses[0]!.recordId, doseNumber: 1, vaccine: 'Comirnaty', vaccinatedAt: '2021-09-01', outcome: 'verified', correctionPending: false }]);
    expect(await citizenEligibility(ctx.db.store, ENTERED!.personalId)).toMatchObject({ reason: 'unverified_doses', doses: [{ outcome: 'not_found' }] });
  });

  it('is idempotent: `vaxverify eligibility backfill` run again writes nothing', async () => {
    const before = await recordStates(ctx.db.store, doses.map((d) => d.recordId));
    const run = await cli(['eligibility', 'backfill', '--batch', '2']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toBe('eligibility backfill: 1 states without the projection, 0 written, 1 whose dose record is gone\n');
    expect(await recordStates(ctx.db.store, doses.map((d) => d.recordId))).toEqual(before);
  }, 60_000); // a CLI process started cold with tsx on a shared 2-core machine
});
