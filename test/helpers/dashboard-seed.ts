import { modelsOf } from '../../src/db/open-store.js';
import type { Store } from '../../src/db/store.js';
import { saveContacts, type ContactFields } from '../../src/db/repositories/contacts.repository.js';
import { loadAdminUnits } from '../../src/imports/admin-units.loader.js';
import { upsertLocalities } from '../../src/imports/localities.import.js';
import { ESCALATION_LEVELS } from '../../src/domain/rounds/policy.js';
import { seedDocuments } from './fixtures.js';

/**
 * A whole campaign's worth of rounds for the dashboard's tests and benchmark: the real
 * administrative units of April 2022 (10,599 communes) and one settled verification round per
 * commune with deterministic, varied figures (statuses, outcome counters, deadlines behind and
 * ahead, finish days over the last three weeks, a never-entered gap, open escalations,
 * contacts). Rounds are data here: the tests read them back through the rollup.
 */
const DAY = 86_400_000;

/** Deterministic PRNG (mulberry32): the same campaign for every run. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function seedRealLocalities(store: Store): Promise<{ communes: string[]; provinces: string[] }> {
  const { units } = await loadAdminUnits();
  await upsertLocalities(store, units.values());
  const all = [...units.values()];
  return { communes: all.filter((u) => u.level === 'commune').map((u) => u.code), provinces: all.filter((u) => u.level === 'province').map((u) => u.code) };
}

export interface SeedOptions {
  now: Date;
  /** Communes left without a synthetic round (the tests verify these for real). */
  skip?: string[];
  seed?: number;
  /** Only the first N communes (all when absent). */
  limit?: number;
  /** Only these provinces' communes (all when absent). */
  provinces?: string[];
}

/** One settled verification round per commune, escalations for some overdue ones, and contacts. */
export async function seedCampaignRounds(store: Store, opts: SeedOptions): Promise<{ rounds: number; escalations: number }> {
  const rand = rng(opts.seed ?? 7);
  const skip = new Set(opts.skip ?? []);
  const filter = opts.provinces ? { level: 'commune' as const, provinceCode: { $in: opts.provinces } } : { level: 'commune' as const };
  const communes = (await modelsOf(store).Locality.find(filter, { _id: 0, code: 1, provinceCode: 1, districtCode: 1 }).sort({ code: 1 }).lean())
    .filter((c) => !skip.has(c.code)).slice(0, opts.limit ?? Infinity);
  const now = opts.now.getTime();
  const rounds: Record<string, unknown>[] = [];
  const escalations: Record<string, unknown>[] = [];
  // Provinces differ in pace, so the ranking and the outcome mix have something to show.
  const pace = new Map<string, number>();
  for (const c of communes) {
    const p = pace.get(c.provinceCode) ?? 0.35 + rand() * 0.6;
    pace.set(c.provinceCode, p);
    const total = 200 + Math.floor(rand() * 1800);
    const done = rand() < p;
    const verified = Math.floor(total * (0.6 + 0.3 * p * rand()));
    const corrected = Math.floor((total - verified) * 0.5 * rand());
    const exempt = Math.floor(total * 0.01 * rand());
    const review = Math.floor((total - verified - corrected - exempt) * rand() * 0.6);
    const notFound = Math.floor((total - verified - corrected - exempt - review) * rand());
    const invalid = Math.max(0, total - verified - corrected - exempt - review - notFound);
    const deadline = new Date(now + Math.round((rand() * 10 - 4) * DAY));
    const status = done ? (rand() < 0.5 ? 'completed' : 'awaiting_corrections') : rand() < 0.5 ? 'verifying' : 'scheduled';
    const finished = done ? new Date(now - Math.floor(rand() * 21) * DAY - Math.floor(rand() * DAY)) : null;
    const processed = done ? total : status === 'verifying' ? Math.floor(total * rand()) : 0;
    const scale = processed / total;
    const id = `verification-${c.code}-1`;
    rounds.push({
      _id: id, localityCode: c.code, kind: 'verification', seq: 1, status, deadline, totalRecords: total, processedRecords: processed,
      counters: {
        verified: Math.floor(verified * scale), corrected: Math.floor(corrected * scale), review: Math.floor(review * scale),
        not_found: Math.floor(notFound * scale), exempt: Math.floor(exempt * scale), invalid: Math.floor(invalid * scale),
      },
      explainedRecords: 0, expectedRecords: rand() < 0.2 ? total + Math.floor(rand() * 80) : null,
      finishedAt: finished, createdAt: new Date(now - 25 * DAY), updatedAt: finished ?? new Date(now),
    });
    if (status !== 'completed' && deadline.getTime() < now) {
      const levels = ESCALATION_LEVELS.slice(0, 1 + Math.floor(rand() * 3));
      for (const level of levels) {
        escalations.push({
          roundId: id, level, localityCode: c.code, targetCode: level === 'commune' ? c.code : level === 'district' ? c.districtCode : c.provinceCode,
          provinceCode: c.provinceCode, districtCode: c.districtCode, escalatedAt: deadline, deadline: new Date(deadline.getTime() + DAY),
          overdueSince: deadline, unresolved: {}, notifiedAt: deadline, closedAt: null,
        });
      }
    }
  }
  await seedDocuments(store, 'Round', rounds, { asStored: true });
  await seedDocuments(store, 'Escalation', escalations, { asStored: true });
  return { rounds: rounds.length, escalations: escalations.length };
}

/** Who answers: the ministry, every province's chairperson, one district and two communes. */
export async function seedContacts(store: Store, provinces: string[]): Promise<void> {
  const contacts = [
    { localityCode: 'VN', level: 'ministry', role: 'focal-point', name: 'Cục Y tế dự phòng', email: 'ytdp@example.vn' },
    ...provinces.map((p) => ({ localityCode: p, level: 'province', role: 'chairperson', name: `Chủ tịch UBND tỉnh ${p}`, email: `ubnd-${p}@example.vn` })),
    { localityCode: '271', level: 'district', role: 'chairperson', name: 'Chủ tịch UBND huyện Ba Vì', email: 'ubnd-bavi@example.vn' },
    { localityCode: '09619', level: 'commune', role: 'health-station-head', name: 'Trưởng trạm y tế Tây Đằng', email: 'tyt-taydang@example.vn' },
    { localityCode: '09625', level: 'commune', role: 'health-station-head', name: 'Trưởng trạm y tế Phú Cường', email: null },
  ];
  await saveContacts(store, contacts as ContactFields[]);
}
