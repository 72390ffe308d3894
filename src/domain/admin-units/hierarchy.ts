import type { AdminLevel, AdminUnit, AdminUnitRow } from './admin-unit.js';

export interface HierarchyProblem {
  code: string;
  reason: string;
}

/** Units by code with province/district filled; units whose parent is missing are reported. */
export interface AdminHierarchy {
  units: Map<string, AdminUnit>;
  problems: HierarchyProblem[];
}

/** Resolve every unit's province and district from the parent chain. */
export function buildHierarchy(rows: Iterable<AdminUnitRow>): AdminHierarchy {
  const byCode = new Map<string, AdminUnitRow>();
  const problems: HierarchyProblem[] = [];
  for (const r of rows) {
    if (byCode.has(r.code)) problems.push({ code: r.code, reason: 'duplicate code (first kept)' });
    else byCode.set(r.code, r);
  }
  const units = new Map<string, AdminUnit>();
  for (const r of byCode.values()) {
    const resolved = resolve(r, byCode);
    if ('reason' in resolved) problems.push({ code: r.code, reason: resolved.reason });
    else units.set(r.code, resolved);
  }
  return { units, problems };
}

function resolve(r: AdminUnitRow, byCode: Map<string, AdminUnitRow>): AdminUnit | { reason: string } {
  if (r.level === 'province') return { ...r, parentCode: null, provinceCode: r.code, districtCode: null };
  const parent = r.parentCode ? byCode.get(r.parentCode) : undefined;
  if (!parent) return { reason: `parent ${r.parentCode ?? '(none)'} not in the list` };
  if (r.level === 'district') {
    if (parent.level !== 'province') return { reason: `parent ${parent.code} is a ${parent.level}, expected a province` };
    return { ...r, provinceCode: parent.code, districtCode: null };
  }
  if (parent.level !== 'district') return { reason: `parent ${parent.code} is a ${parent.level}, expected a district` };
  const province = parent.parentCode ? byCode.get(parent.parentCode) : undefined;
  if (!province) return { reason: `district ${parent.code} has no province in the list` };
  return { ...r, provinceCode: province.code, districtCode: parent.code };
}

/** The unit's ancestors from the province down (empty for a province). */
export function ancestorCodes(unit: Pick<AdminUnit, 'level' | 'provinceCode'> & { districtCode?: string | null }): string[] {
  if (unit.level === 'province') return [];
  if (unit.level === 'district') return [unit.provinceCode];
  return unit.districtCode ? [unit.provinceCode, unit.districtCode] : [unit.provinceCode];
}

/** Which field of a descendant names `ancestor`: used to list e.g. all communes of a province. */
export function descendantFilter(ancestor: Pick<AdminUnit, 'code' | 'level'>, level?: AdminLevel): Record<string, string> | null {
  if (!level) return { parentCode: ancestor.code };
  const depth = { province: 0, district: 1, commune: 2 } as const;
  if (depth[level] <= depth[ancestor.level]) return null;
  if (depth[level] === depth[ancestor.level] + 1) return { parentCode: ancestor.code, level };
  return { provinceCode: ancestor.code, level };
}

/** Communes of the given provinces/communes, in code order (for the generator and tests). */
export function communesOf(units: Map<string, AdminUnit>, opts: { province?: string; communes?: string[] }): AdminUnit[] {
  if (opts.communes?.length) {
    return opts.communes.map((c) => {
      const u = units.get(c);
      if (!u || u.level !== 'commune') throw new Error(`commune ${c} is not in the administrative unit list`);
      return u;
    });
  }
  const all = [...units.values()].filter((u) => u.level === 'commune' && (!opts.province || u.provinceCode === opts.province));
  if (opts.province && !units.has(opts.province)) throw new Error(`province ${opts.province} is not in the administrative unit list`);
  return all.sort((a, b) => a.code.localeCompare(b.code));
}
