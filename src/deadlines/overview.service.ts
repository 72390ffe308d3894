import type { Models } from '../db/models/index.js';
import { DEFAULT_CAMPAIGN_ID } from '../domain/rounds/values.js';
import { roundHealthByLocality } from '../db/repositories/round-health.repository.js';
import { daysLeft } from '../domain/rounds/deadlines.js';
import type { RoundHealth } from '../domain/rounds/escalation.js';
import type { DeadlinePolicy } from '../domain/rounds/policy.js';

type Counts = Record<Exclude<RoundHealth, 'cancelled'>, number>;
const zero = (): Counts => ({ on_time: 0, at_risk: 0, overdue: 0, completed: 0 });

// Locality lookups in batches well under the 16 MB command limit.
const BATCH = 5_000;

/**
 * Campaign view: per province and district, rounds on time, at risk and overdue (and completed),
 * with the national deadline and days left. The store counts rounds per locality (one
 * aggregation); localities are folded into districts and provinces here.
 */
export async function campaignOverview(models: Models, policy: Pick<DeadlinePolicy, 'atRisk' | 'completion'>, now = new Date()) {
  const perLocality = await roundHealthByLocality(models, policy, now);
  const totals = zero();
  for (const counts of perLocality.values()) for (const k of Object.keys(totals) as (keyof Counts)[]) totals[k] += counts[k];

  const codes = [...perLocality.keys()];
  const places = new Map<string, { provinceCode: string; districtCode: string | null; name: string }>();
  for (let i = 0; i < codes.length; i += BATCH) {
    const found = await models.Locality.find({ code: { $in: codes.slice(i, i + BATCH) } }, { code: 1, name: 1, provinceCode: 1, districtCode: 1 }).lean();
    for (const l of found) places.set(l.code, { provinceCode: l.provinceCode, districtCode: l.districtCode ?? null, name: l.name });
  }
  const provinces = new Map<string, { counts: Counts; districts: Map<string, Counts> }>();
  for (const [code, counts] of perLocality) {
    const p = places.get(code);
    const pc = p?.provinceCode ?? 'unknown';
    const dc = p?.districtCode ?? 'unknown';
    const prov = provinces.get(pc) ?? { counts: zero(), districts: new Map<string, Counts>() };
    const dist = prov.districts.get(dc) ?? zero();
    for (const k of Object.keys(counts) as (keyof Counts)[]) { prov.counts[k] += counts[k]; dist[k] += counts[k]; }
    prov.districts.set(dc, dist);
    provinces.set(pc, prov);
  }
  const unitCodes = [...provinces.keys(), ...[...provinces.values()].flatMap((p) => [...p.districts.keys()])];
  const names = new Map((await models.Locality.find({ code: { $in: unitCodes } }, { code: 1, name: 1 }).lean()).map((l) => [l.code, l.name]));

  const campaign = await models.Campaign.findById(DEFAULT_CAMPAIGN_ID, { nationalDeadline: 1 }).lean();
  const national = campaign?.nationalDeadline ?? null;
  return {
    generatedAt: now.toISOString(),
    national: national ? { deadline: national.toISOString(), daysLeft: daysLeft(national, now) } : null,
    totals,
    provinces: [...provinces.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, p]) => ({
      code,
      name: names.get(code) ?? null,
      ...p.counts,
      districts: [...p.districts.entries()].sort(([a], [b]) => a.localeCompare(b))
        .map(([dcode, counts]) => ({ code: dcode, name: names.get(dcode) ?? null, ...counts })),
    })),
  };
}
