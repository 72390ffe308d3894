import { describe, expect, it } from 'vitest';
import { buildRollup, projectFinish, updateRollup, vnDay, type RollupInputs } from '../../../src/domain/dashboard/rollup.js';
import { DEFAULT_POLICY } from '../../../src/domain/rounds/policy.js';

const now = new Date('2026-12-02T03:00:00Z');
const DAY = 86_400_000;
const units: RollupInputs['units'] = [
  { code: '01', name: 'Thành phố Hà Nội', level: 'province', provinceCode: '01' },
  { code: '271', name: 'Huyện Ba Vì', level: 'district', parentCode: '01', provinceCode: '01', districtCode: '271' },
  { code: '09619', name: 'Thị trấn Tây Đằng', level: 'commune', parentCode: '271', provinceCode: '01', districtCode: '271' },
  { code: '09625', name: 'Xã Phú Cường', level: 'commune', parentCode: '271', provinceCode: '01', districtCode: '271' },
  { code: '09628', name: 'Xã Cổ Đô', level: 'commune', parentCode: '271', provinceCode: '01', districtCode: '271' },
];
const inputs = (): RollupInputs => ({
  units,
  rounds: [
    { _id: 'verification-09619-1', localityCode: '09619', status: 'completed', deadline: new Date(now.getTime() + DAY), totalRecords: 100, processedRecords: 100,
      counters: { verified: 90, corrected: 5, exempt: 5 }, finishedAt: new Date(now.getTime() - DAY) },
    { _id: 'verification-09625-1', localityCode: '09625', status: 'awaiting_corrections', deadline: new Date(now.getTime() - DAY), totalRecords: 200, processedRecords: 200,
      counters: { verified: 100, review: 50, not_found: 30, invalid: 20 }, expectedRecords: 250, finishedAt: new Date(now.getTime() - 2 * DAY) },
  ],
  corrections: new Map([['09619', { applied: 5, signedOff: 3 }]]),
  escalations: [{ roundId: 'verification-09625-1', level: 'commune' }, { roundId: 'verification-09625-1', level: 'district' }],
  contacts: [{ localityCode: '271', level: 'district', role: 'chairperson', name: 'Chủ tịch UBND huyện Ba Vì' }],
});
const byId = (docs: ReturnType<typeof buildRollup>) => new Map(docs.map((d) => [d._id, d]));

describe('dashboard rollup', () => {
  it('sums communes into district, province and nation, with health, escalation and backlog', () => {
    const d = byId(buildRollup(inputs(), DEFAULT_POLICY, now));
    const district = d.get('271')!;
    expect(district.records).toMatchObject({ total: 300, verified: 190, corrected: 5, review: 50, not_found: 30, invalid: 20, exempt: 5 });
    expect(district.communes).toBe(2);
    expect(district.health).toEqual({ on_time: 0, at_risk: 0, overdue: 1, completed: 1 });
    expect(district.worst).toBe('overdue');
    expect(district.backlog).toEqual({ expected: 250, gap: 50 });
    expect(district.escalation.level).toBe('district');
    expect(district.escalation.byLevel.district).toBe(1);
    expect(district.corrections).toEqual({ applied: 5, signedOff: 3 });
    expect(district.contacts[0]!.name).toBe('Chủ tịch UBND huyện Ba Vì');
    // The earliest deadline of a round not completed: the overdue one.
    expect(district.deadline).toEqual(new Date(now.getTime() - DAY));
    expect(d.get('VN')!.records.total).toBe(300);
    expect(d.get('01')!.parentCode).toBe('VN');
    expect(d.get('09625')!.path.map((p) => p.code)).toEqual(['VN', '01', '271']);
    // A commune without a round is listed, empty.
    expect(d.get('09628')!.communes).toBe(0);
    expect(d.get('09628')!.worst).toBeNull();
  });

  it('counts verified (as the cards do: corrected is not verified) and processed per Vietnamese day of the round finish (national, province)', () => {
    const d = byId(buildRollup(inputs(), DEFAULT_POLICY, now));
    expect(d.get('VN')!.daily).toEqual([
      { day: vnDay(new Date(now.getTime() - 2 * DAY)), verified: 100, processed: 200 },
      { day: vnDay(new Date(now.getTime() - DAY)), verified: 90, processed: 100 },
    ]);
    // The per-day bars add up to the card.
    expect(d.get('VN')!.daily!.reduce((n, x) => n + x.verified, 0)).toBe(d.get('VN')!.records.verified);
    expect(d.get('271')!.daily).toBeNull();
    expect(vnDay(new Date('2026-12-01T17:30:00Z'))).toBe('2026-12-02');
  });

  it('says on a commune what a register outage did to its round (the last move the outage policy made, an escalation hold), not an officer\'s change', () => {
    const i = inputs();
    const [a, b] = [i.rounds[0]!, i.rounds[1]!];
    const d0 = new Date(now.getTime() + DAY);
    const d1 = new Date(d0.getTime() + 90 * 60_000);
    a.deadlineChanges = [
      { from: new Date(d0.getTime() - DAY), to: d0, at: new Date(now.getTime() - 2 * DAY), by: 'hanoi' },
      { from: d0, to: d1, at: now, by: 'system:registry' },
    ];
    b.deadlineChanges = [{ from: d0, to: d1, at: now, by: 'bavi' }];
    b.escalationHold = { since: new Date(now.getTime() - 3_600_000), until: null };
    const d = byId(buildRollup(i, DEFAULT_POLICY, now));
    expect(d.get('09619')!.registerOutage).toEqual({ deadlineMoved: { from: d0, to: d1, at: now }, escalationsHeld: null });
    expect(d.get('09625')!.registerOutage).toEqual({ deadlineMoved: null, escalationsHeld: { since: new Date(now.getTime() - 3_600_000), until: null } });
    expect(d.get('09628')!.registerOutage).toBeNull();
    // It is a commune's own: the district's document carries none.
    expect(d.get('271')!.registerOutage).toBeNull();
    // A change of it changes the commune's hash (the rollup job rewrites the document).
    expect(d.get('09619')!.hash).not.toBe(byId(buildRollup(inputs(), DEFAULT_POLICY, now)).get('09619')!.hash);
  });

  it('is deterministic: the same inputs in another order give the same hashes', () => {
    const a = buildRollup(inputs(), DEFAULT_POLICY, now);
    const shuffled = inputs();
    shuffled.rounds.reverse(); shuffled.units = [...units].reverse(); shuffled.escalations.reverse();
    const b = byId(buildRollup(shuffled, DEFAULT_POLICY, now));
    for (const doc of a) expect(b.get(doc._id)!.hash).toBe(doc.hash);
    const changed = inputs();
    changed.rounds[0]!.counters!.verified = 89;
    expect(byId(buildRollup(changed, DEFAULT_POLICY, now)).get('VN')!.hash).not.toBe(a.find((x) => x._id === 'VN')!.hash);
  });

  it('projects the finish at the last 7 days\' mean rate', () => {
    const daily = [{ day: vnDay(new Date(now.getTime() - DAY)), verified: 600, processed: 700 }];
    const unit = { records: { total: 2000, processed: 1000, explained: 0, verified: 900, corrected: 100, exempt: 0, review: 0, not_found: 0, invalid: 0 }, backlog: { expected: 0, gap: 0 }, daily };
    const p = projectFinish(unit, now, new Date(now.getTime() + 5 * DAY));
    expect(p.remaining).toBe(1000);
    expect(p.ratePerDay).toBe(100);
    expect(p.finishDay).toBe(vnDay(new Date(now.getTime() + 10 * DAY)));
    expect(p.late).toBe(true);
    // Only what the matcher clears is projected at its rate; the rest waits for officers.
    expect(p.needsPeople).toBe(100);
    expect(projectFinish({ ...unit, daily: [] }, now, null).finishDay).toBeNull();
  });

  it('updates a previous build in place to the documents a full build gives, recomputing only what changed', () => {
    const docs = new Map(buildRollup(inputs(), DEFAULT_POLICY, now).map((d) => [d._id, d]));
    const next = inputs();
    next.rounds[0]!.counters!.verified = 95;
    next.rounds[0]!.counters!.corrected = 0;
    const touched = updateRollup(docs, next, DEFAULT_POLICY, now, new Set([next.rounds[0]!.localityCode]));
    const full = buildRollup(next, DEFAULT_POLICY, now);
    for (const d of full) expect(docs.get(d._id)!.hash, d._id).toBe(d.hash);
    expect([...touched].sort()).toEqual([next.rounds[0]!.localityCode, '271', '01', 'VN'].sort());
    // An escalation closing changes the commune without its round changing; a later clock, its health.
    next.escalations = [];
    updateRollup(docs, next, DEFAULT_POLICY, now, new Set());
    const later = new Date(now.getTime() + 3 * DAY);
    updateRollup(docs, next, DEFAULT_POLICY, later, new Set());
    for (const d of buildRollup(next, DEFAULT_POLICY, later)) expect(docs.get(d._id)!.hash, d._id).toBe(d.hash);
    // Nothing changed: nothing recomputed.
    expect(updateRollup(docs, next, DEFAULT_POLICY, later, new Set()).size).toBe(0);
  });
});
