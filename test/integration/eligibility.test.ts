import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDb } from '../../src/db/connect.js';
import type { DoseRecordInput } from '../../src/domain/records.js';
import { citizenEligibility } from '../../src/eligibility/eligibility.service.js';
import { explainableQueries, recordCommands, scansOf } from '../helpers/explain-plan.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { startStack, type Stack } from './corrections-setup.js';

/**
 * Vaccine-passport eligibility after a real verification round: citizens with all, some and no
 * verified doses, one with no record, one whose single dose is verified (1 of 2: the ministry's
 * primary-series rule), a pending correction, and a foreign national by passport. The citizen
 * answer is one indexed read of the doses' states (the per-citizen projection the chunk job writes).
 */
const COMMUNE = '00004';
let s: Stack;

const citizens = makeCitizens(COMMUNE, 30);
const [ALL, SOME, NONE, NO_RECORD, ONE] = [0, 1, 2, 3, 4].map((i) => citizens[i]!);
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
const foreign = { fullName: 'John Smith', dateOfBirth: '12/05/1980', gender: 'M', idNumber: PASSPORT, nationality: 'US', communeCode: COMMUNE, vaccine: 'Spikevax' };
doses.push({ ...foreign, recordId: `E${COMMUNE}-F1`, doseNumber: 1, vaccinatedAt: '2021-08-10' }, { ...foreign, recordId: `E${COMMUNE}-F2`, doseNumber: 2, vaccinatedAt: '2021-09-10' });
const ONE_DOSE_PASSPORT = 'D7654321';
doses.push({ ...foreign, idNumber: ONE_DOSE_PASSPORT, recordId: `E${COMMUNE}-F3`, doseNumber: 1, vaccinatedAt: '2021-08-10' });

const eligibility = (pid: string) => s.json(`/api/citizens/${pid}/passport-eligibility`);

beforeAll(async () => {
  s = await startStack('elig', {}, COMMUNE);
  // `corrected` may count as resolved (COMPLETION_ACCEPTS): the round may complete at once.
  await s.verifyCommune(citizens, doses, ['awaiting_corrections', 'completed']);
}, 180_000); // the stack (OIDC provider, API, workers) and a whole verification round, cold, on a shared 2-core machine

afterAll(async () => { await s?.close(); });

describe('passport eligibility', () => {
  it('all doses verified: eligible, with minimal dose data only', async () => {
    const r = await eligibility(ALL!.personalId);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'citizen', eligible: true, series: { complete: true, counted: 2, needed: 2, vaccines: ['Pfizer-BioNTech', 'Pfizer-BioNTech'] } });
    expect(r.body.message).toMatch(/xác minh/);
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
    expect((await eligibility(NO_RECORD!.personalId)).body).toMatchObject({ kind: 'citizen', eligible: false, reason: 'no_doses', doses: [], series: { counted: 0 } });
  });

  it('one verified dose of a two-dose vaccine: not eligible, and the answer says what is missing in Vietnamese', async () => {
    const r = await eligibility(ONE!.personalId);
    expect(r.body).toMatchObject({ eligible: false, reason: 'incomplete_series', series: { complete: false, counted: 1, needed: 2, problem: 'too_few_doses' } });
    expect(r.body.message).toBe('Chưa hoàn thành liều cơ bản (1 trên 2 liều cơ bản)');
    expect(r.body.doses).toEqual([expect.objectContaining({ outcome: 'verified', vaccine: 'Comirnaty' })]);
  });

  it('answers a citizen from one indexed read of the store (the per-citizen projection), whatever the number of doses', async () => {
    const statsFile = join(tmpdir(), `vv-elig-${randomUUID()}.json`);
    const hot = await connectDb(s.ctx.mongoUrl, { poolSize: 2, autoIndex: false, statsFile });
    try {
      // Mongoose creates its collections as the models start: done before recording.
      await Promise.all(Object.values(hot.models).map((m) => m.init()));
      const recording = recordCommands(hot.connection.getClient());
      const answer = await citizenEligibility(hot.store, ALL!.personalId);
      recording.stop();
      expect(answer).toMatchObject({ eligible: true, doses: [{}, {}] });
      expect(recording.sent.map((c) => `${c.name} ${c.command[c.name]}`)).toEqual(['find recordStates']);
      const [q] = explainableQueries(recording.sent);
      const plan = await hot.connection.db!.command({ explain: q!.explain, verbosity: 'queryPlanner' });
      expect(scansOf(plan)).toEqual([expect.objectContaining({ index: 'citizen_1', collectionScan: false })]);
    } finally {
      await hot.close();
      await rm(statsFile, { force: true });
    }
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
    // The workers this test started end with it (the leak guard checks each test).
    await s.stopWorkers();
  });

  it('a foreign national by passport number: eligible without the population check', async () => {
    const r = await s.json(`/api/passport-eligibility?passport=${PASSPORT}`);
    expect(r.body).toMatchObject({ kind: 'passport', eligible: true, doses: [{ outcome: 'exempt', vaccine: 'Spikevax' }, { outcome: 'exempt' }] });
    expect((await s.json(`/api/passport-eligibility?passport=${ONE_DOSE_PASSPORT}`)).body).toMatchObject({ eligible: false, reason: 'incomplete_series', series: { counted: 1, needed: 2 } });
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
