import type { Store } from '../db/store.js';
import { readOverviewUnits } from '../db/repositories/dashboard.repository.js';
import { readNationalDeadline } from '../db/repositories/campaign.repository.js';
import { daysLeft } from '../domain/rounds/deadlines.js';
import type { DeadlinePolicy } from '../domain/rounds/policy.js';
import { grantsOf, isNational, type Principal } from '../auth/principal.js';

type Counts = { on_time: number; at_risk: number; overdue: number; completed: number };
const zero = (): Counts => ({ on_time: 0, at_risk: 0, overdue: 0, completed: 0 });
const counts = (h?: Partial<Counts> | null): Counts => ({ ...zero(), ...(h ?? {}) });

/**
 * Campaign view: per province and district, communes whose current round is on time, at risk,
 * overdue or completed, with the national deadline and days left. Read from the dashboard's
 * progress rollup (the nation, its provinces, their districts: three indexed reads), never by
 * scanning the rounds; as fresh as the rollup (`computedAt`).
 */
export async function campaignOverview(store: Store, _policy: Pick<DeadlinePolicy, 'atRisk' | 'completion'>, viewer: Principal, now = new Date()) {
  const [{ nation, provinces, districts }, national] = await Promise.all([readOverviewUnits(store), readNationalDeadline(store)]);
  const byProvince = new Map<string, typeof districts>();
  for (const d of districts) byProvince.set(d.parentCode ?? '', [...(byProvince.get(d.parentCode ?? '') ?? []), d]);
  const all = provinces.filter((p) => p.communes > 0).map((p) => ({
    code: p._id, name: p.name, ...counts(p.health),
    districts: (byProvince.get(p._id) ?? []).filter((d) => d.communes > 0).map((d) => ({ code: d._id, name: d.name, ...counts(d.health) })),
  }));
  // A coordinator sees its own area only: its province whole, or its districts (the province row then sums them).
  const national_ = isNational(viewer);
  const granted = new Set(grantsOf(viewer).map((g) => g.locality).filter((c): c is string => c !== null));
  const shown = national_ ? all : all.flatMap((p) => {
    if (granted.has(p.code)) return [p];
    const mine = p.districts.filter((d) => granted.has(d.code));
    return mine.length ? [{ ...p, ...sum(mine), districts: mine }] : [];
  });
  return {
    generatedAt: now.toISOString(),
    computedAt: nation?.computedAt?.toISOString() ?? null,
    national: national ? { deadline: national.toISOString(), daysLeft: daysLeft(national, now) } : null,
    totals: national_ ? counts(nation?.health) : sum(shown),
    provinces: shown,
  };
}

function sum(units: Counts[]): Counts {
  return units.reduce((t, u) => ({ on_time: t.on_time + u.on_time, at_risk: t.at_risk + u.at_risk, overdue: t.overdue + u.overdue, completed: t.completed + u.completed }), zero());
}
