import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { startStack, type Stack } from './corrections-setup.js';
import { insertCitizens, insertDoses } from '../helpers/fixtures.js';

/**
 * Personal data out of the logs for real: a round and corrections run with every component
 * logging at debug into memory; no full ID number, name or birth date may appear in any line.
 */
const COMMUNE = '00007';
let s: Stack;
let lines = '';
const sink = new Writable({ write(chunk, _enc, done) { lines += chunk.toString(); done(); } });
const citizens = makeCitizens(COMMUNE, 16);
// Half the records carry a typo in the ID (one digit) so the matcher corrects them; names lose their diacritics.
const doses = makeDoses(citizens, `L${COMMUNE}`).map((d, i) => ({
  ...d,
  idNumber: i % 2 ? d.idNumber!.slice(0, 11) + String((Number(d.idNumber!.slice(11)) + 1) % 10) : d.idNumber,
  fullName: d.fullName.normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
}));

beforeAll(async () => {
  s = await startStack('logs', {}, COMMUNE, createLogger({ level: 'debug', destination: sink }));
  await insertCitizens(s.ctx.db.store, citizens);
  await insertDoses(s.ctx.db.store, doses);
}, 120_000); // the stack (OIDC provider, API, workers) and a whole verification round, cold, on a shared 2-core machine

afterAll(async () => { await s?.close(); });

describe('logs at debug level', () => {
  it('hold no full ID number, name or birth date after a round, corrections, a bad request and a refused token', async () => {
    expect((await s.post('/api/rounds', { localities: [COMMUNE] })).status).toBe(201);
    await s.startWorker();
    await s.waitRound(`verification-${COMMUNE}-1`, ['awaiting_corrections', 'completed']);
    const ok = await s.post('/api/corrections', { recordId: doses[1]!.recordId, baseVersion: 0, decision: 'confirm', values: { fullName: citizens[1]!.fullName } });
    expect(ok.status).toBe(201);
    const bad = await s.post('/api/corrections', { recordId: doses[3]!.recordId, baseVersion: 0, decision: 'confirm', values: { idNumber: '001485012345', dateOfBirth: '31/02/1990' } });
    expect(bad.status).toBe(400);
    // A refused token is logged at debug with the request path, which here holds a citizen ID.
    const res = await fetch(`${s.base}/api/citizens/${citizens[0]!.personalId}/passport-eligibility`, { headers: { authorization: 'Bearer aaa.bbb.ccc' } });
    expect(res.status).toBe(401);
    await s.waitRound(ok.body.correctionRound, ['completed']);
    await s.stopWorkers();

    expect(lines).toContain('"msg":"correction stored"');
    expect(lines).toContain('"msg":"bearer token refused"');
    expect(lines).toContain('"msg":"chunk verified"');
    const leaks: string[] = [];
    for (const [i, c] of citizens.entries()) {
      for (const v of [c.personalId, doses[i]!.idNumber!, c.fullName, doses[i]!.fullName, c.dateOfBirth]) if (lines.includes(v)) leaks.push(v);
    }
    expect(leaks).toEqual([]);
    expect(lines).not.toContain('001485012345');
    expect(lines).toContain(`${citizens[0]!.personalId.slice(0, 4)}******${citizens[0]!.personalId.slice(-2)}`);
  });
});
