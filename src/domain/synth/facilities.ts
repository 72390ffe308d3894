/**
 * The synthetic population's vaccination sites: each commune's doses were given at its sites
 * 1..SITES_PER_COMMUNE (doses.ts picks one per dose), named as such sites are in Vietnam: the
 * commune's health station, a fixed site at the commune's school and a mobile site at its
 * cultural house. The demo writes them as the facility register (scripts/demo-contacts.ts).
 */
export const SITES_PER_COMMUNE = 3;

export const facilityIdOf = (communeCode: string, n: number) => `F${communeCode}-${n}`;

/** 'Xã Tản Lĩnh' → 'xã Tản Lĩnh' (inside a name the unit type is lower case). */
const inName = (communeName: string) => communeName.charAt(0).toLowerCase() + communeName.slice(1);

const SITE_NAMES: readonly ((commune: string) => string)[] = [
  (c) => `Trạm Y tế ${c}`,
  (c) => `Điểm tiêm Trường THCS ${c}`,
  (c) => `Điểm tiêm lưu động Nhà văn hoá ${c}`,
];
const HEAD_TITLES = ['Trưởng Trạm Y tế', 'Phó Trưởng Trạm Y tế, phụ trách điểm tiêm', 'Y sĩ phụ trách điểm tiêm lưu động'];

export interface SynthSite { facilityId: string; name: string; communeCode: string; headTitle: string }

/** A commune's sites, in site-number order. */
export function communeSites(commune: { code: string; name: string }): SynthSite[] {
  return Array.from({ length: SITES_PER_COMMUNE }, (_, i) => ({
    facilityId: facilityIdOf(commune.code, i + 1), name: SITE_NAMES[i]!(inName(commune.name)), communeCode: commune.code, headTitle: HEAD_TITLES[i]!,
  }));
}
