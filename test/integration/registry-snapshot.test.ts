import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { createMatcher } from '../../src/registry/mirror.matcher.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { insertCitizens, seedLocalities, seedOtherProvince } from '../helpers/fixtures.js';

/**
 * The worker's registry: a snapshot of the province plus `_id` reads for people registered in
 * another province.
 */
let ctx: TestContext;
const log = createLogger({ level: 'silent' });
const home = makeCitizens('00001', 30);
// Someone else than home[0] (makeCitizens repeats names per index): own name and birth date.
const [elsewhere] = makeCitizens('00100', 1).map((c) => ({ ...c, fullName: 'Đỗ Văn Hùng', dateOfBirth: '1977-03-14', personalId: c.personalId.slice(0, 3) + '077' + c.personalId.slice(6) }));

beforeAll(async () => {
  ctx = await createTestContext('snapshot');
  await seedLocalities(ctx.db.store);
  await seedOtherProvince(ctx.db.store);
  await insertCitizens(ctx.db.store, [...home, elsewhere!]);
});

afterAll(async () => {
  await ctx?.close();
});

describe('registry snapshot', () => {
  // Doses entered in commune 00001: its own people, and one person registered in province 02.
  const records = [...makeDoses(home.slice(0, 5), 'H'), ...makeDoses([elsewhere!], 'E').map((r) => ({ ...r, communeCode: '00001' }))];

  it('province snapshot + _id $in elsewhere: links home and elsewhere citizens alike', async () => {
    const matcher = createMatcher(ctx.db.store, log);
    const results = await matcher.match(records, '00001');
    expect(results.map((r) => r.outcome)).toEqual(Array(6).fill('verified'));
    expect(results[5]!.personalId).toBe(elsewhere!.personalId);
  });

  it('a registry change reloads the snapshot once the version read is older than its TTL', async () => {
    let clock = 0;
    const matcher = createMatcher(ctx.db.store, log, { versionTtlMs: 5_000, now: () => clock });
    const [late] = makeCitizens('00006', 1).map((c) => ({ ...c, personalId: c.personalId.replace(/^001/, '001').slice(0, 6) + '999999', fullName: 'Đỗ Thị Mai' }));
    // Entered without an ID: only the snapshot (name + birth year) can find this person.
    const byName = makeDoses([late!], 'N').map((r) => ({ ...r, idNumber: '', communeCode: '00001' }));
    expect((await matcher.match(records.slice(0, 1), '00001'))[0]!.outcome).toBe('verified'); // snapshot loaded
    expect((await matcher.match(byName, '00001'))[0]!.outcome).toBe('not_found');
    await insertCitizens(ctx.db.store, [late!]); // bumps the registry version, as the importer does
    // Within the TTL the version is not read again: the snapshot in memory answers.
    clock += 4_999;
    expect((await matcher.match(byName, '00001'))[0]!.outcome).toBe('not_found');
    clock += 1;
    const after = (await matcher.match(byName, '00001'))[0]!;
    // Found now (a name-only match is left to an officer or linked, depending on the evidence).
    expect(after.outcome).not.toBe('not_found');
    expect([after.personalId, ...(after.candidates ?? []).map((c) => c.personalId)]).toContain(late!.personalId);
  });
});
