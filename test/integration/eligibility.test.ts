import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DoseRecordInput } from '../../src/domain/records.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { startStack, type Stack } from './corrections-setup.js';

/**
 * Vaccine-passport eligibility after a real verification round: citizens with all, some and no
 * verified doses, one with no record, a pending correction, and a foreign national by passport.
 */
const COMMUNE = '00004';
let s: Stack;

const citizens = makeCitizens(COMMUNE, 30);
const [ALL, SOME, NONE, NO_RECORD] = [0, 1, 2, 3].map((i) => citizens[i]!);
const doses: DoseRecordInput[] = makeDoses(citizens, `E${COMMUNE}`).filter((d) => d.idNumber !== NO_RECORD!.personalId);
const second = (c: typeof ALL, patch: Partial<DoseRecordInput> = {}): DoseRecordInput => ({
  ...doses.find((d) => d.idNumber === c!.personalId)!, recordId: `E${COMMUNE}-2-${c!.personalId.slice(-4)}`, doseNumber: 2, vaccinatedAt: '2021-10-01', ...patch,
});
const SOME_SECOND = second(SOME, { dateOfBirth: SOME!.dateOfBirth.slice(0, 4) }); // year only: a correction to confirm
doses.push(second(ALL), SOME_SECOND);
// The only dose of NONE has a mistyped ID digit: linked, but `corrected`, not verified.
const noneDose = doses.find((d) => d.idNumber === NONE!.personalId)!;
noneDose.idNumber = noneDose.idNumber.slice(0, 8) + String((Number(noneDose.idNumber[8]) + 1) % 10) + noneDose.idNumber.slice(9);
const PASSPORT = 'C1234567';
doses.push({ recordId: `E${COMMUNE}-F1`, fullName: 'John Smith', dateOfBirth: '12/05/1980', gender: 'M', idNumber: PASSPORT, nationality: 'US', communeCode: COMMUNE, vaccine: 'Spikevax', doseNumber: 1, vaccinatedAt: '2021-08-10' });

const eligibility = (pid: string) => s.json(`/api/citizens/${pid}/passport-eligibility`);

beforeAll(async () => {
  s = await startStack('elig', {}, COMMUNE);
  // `corrected` may count as resolved (COMPLETION_ACCEPTS): the round may complete at once.
  await s.verifyCommune(citizens, doses, ['awaiting_corrections', 'completed']);
}, 180_000);

afterAll(async () => { await s?.close(); });

describe('passport eligibility', () => {
  it('all doses verified: eligible, with minimal dose data only', async () => {
    const r = await eligibility(ALL!.personalId);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'citizen', eligible: true });
    expect(r.body.doses.map((d: any) => [d.doseNumber, d.outcome])).toEqual([[1, 'verified'], [2, 'verified']]);
    expect(Object.keys(r.body.doses[0]).sort()).toEqual(['correctionPending', 'doseNumber', 'outcome', 'recordId', 'vaccinatedAt', 'vaccine']);
    expect(JSON.stringify(r.body)).not.toContain(ALL!.fullName);
    expect(JSON.stringify(r.body)).not.toContain(ALL!.dateOfBirth);
  });

  it('some doses verified: not eligible (unverified doses), with the doses listed', async () => {
    const r = await eligibility(SOME!.personalId);
    expect(r.body).toMatchObject({ eligible: false, reason: 'unverified_doses' });
    expect(r.body.doses.map((d: any) => d.outcome)).toEqual(['verified', 'corrected']);
  });

  it('no verified dose, and no record at all: not eligible', async () => {
    expect((await eligibility(NONE!.personalId)).body).toMatchObject({ eligible: false, reason: 'unverified_doses', doses: [{ outcome: 'corrected' }] });
    expect((await eligibility(NO_RECORD!.personalId)).body).toEqual({ kind: 'citizen', eligible: false, reason: 'no_doses', doses: [] });
  });

  it('a confirmed correction is pending until its correction round re-verifies the dose, then eligible', async () => {
    await s.stopWorkers();
    const post = await s.post('/api/corrections', { recordId: SOME_SECOND.recordId, baseVersion: 0, decision: 'confirm' });
    expect(post.status).toBe(201);
    expect((await eligibility(SOME!.personalId)).body).toMatchObject({ eligible: false, reason: 'pending_corrections' });
    await s.startWorker();
    await s.waitRound(post.body.correctionRound, ['completed']);
    const r = await eligibility(SOME!.personalId);
    expect(r.body).toMatchObject({ eligible: true });
    expect(r.body.doses.map((d: any) => d.outcome)).toEqual(['verified', 'verified']);
  });

  it('a foreign national by passport number: eligible without the population check', async () => {
    const r = await s.json(`/api/passport-eligibility?passport=${PASSPORT}`);
    expect(r.body).toMatchObject({ kind: 'passport', eligible: true, doses: [{ outcome: 'exempt', vaccine: 'Spikevax' }] });
    expect((await s.json(`/api/passport-eligibility?kind=passport&number=${PASSPORT}&nationality=US`)).body.eligible).toBe(true);
    expect((await s.json(`/api/passport-eligibility?passport=${PASSPORT}&nationality=FR`)).body).toMatchObject({ eligible: false, reason: 'no_doses' });
    expect((await s.json(`/api/passport-eligibility?kind=citizen&number=${ALL!.personalId}`)).body.eligible).toBe(true);
  });

  it('refuses malformed numbers with 400', async () => {
    for (const bad of ['12345', '003085012345', '001485012345', 'abc']) expect((await eligibility(bad)).status).toBe(400);
    expect((await s.json(`/api/passport-eligibility?passport=${ALL!.personalId}`)).status).toBe(400);
    expect((await s.json('/api/passport-eligibility')).status).toBe(400);
  });
});
