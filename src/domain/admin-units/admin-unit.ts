/** Vietnam's administrative units (GSO code list of 10 April 2022): parsing, no I/O. */
export const ADMIN_LEVELS = ['province', 'district', 'commune'] as const;
export type AdminLevel = (typeof ADMIN_LEVELS)[number];

/** Code length by level: province 2 digits, district 3, commune 5. */
export const CODE_LENGTH: Record<AdminLevel, number> = { province: 2, district: 3, commune: 5 };

const PARENT_LEVEL: Record<AdminLevel, AdminLevel | null> = { province: null, district: 'province', commune: 'district' };

/** One row of `data/vn-admin-units-2022-04.csv`. */
export interface AdminUnitRow {
  code: string;
  name: string;
  type: string;
  level: AdminLevel;
  parentCode: string | null;
}

/** A unit with its province and district resolved (the `localities` document). */
export interface AdminUnit extends AdminUnitRow {
  provinceCode: string;
  districtCode: string | null;
}

export type ParseResult = { ok: true; unit: AdminUnitRow } | { ok: false; field: string; reason: string };

/** Validate one CSV record (`code,name,type,level,parent_code`). */
export function parseAdminUnitRow(rec: Record<string, unknown>): ParseResult {
  const str = (k: string) => (typeof rec[k] === 'string' ? (rec[k] as string).trim() : '');
  const level = str('level') as AdminLevel;
  if (!ADMIN_LEVELS.includes(level)) return { ok: false, field: 'level', reason: `must be one of ${ADMIN_LEVELS.join(', ')}` };
  const code = str('code');
  if (!new RegExp(`^\\d{${CODE_LENGTH[level]}}$`).test(code)) {
    return { ok: false, field: 'code', reason: `a ${level} code has ${CODE_LENGTH[level]} digits` };
  }
  const name = str('name');
  if (!name) return { ok: false, field: 'name', reason: 'required' };
  const parentCode = str('parent_code') || str('parentCode') || null;
  const parentLevel = PARENT_LEVEL[level];
  if (parentLevel === null && parentCode) return { ok: false, field: 'parent_code', reason: 'a province has no parent' };
  if (parentLevel !== null && (!parentCode || parentCode.length !== CODE_LENGTH[parentLevel])) {
    return { ok: false, field: 'parent_code', reason: `a ${level} needs a ${parentLevel} code of ${CODE_LENGTH[parentLevel]} digits` };
  }
  return { ok: true, unit: { code, name, type: str('type'), level, parentCode } };
}
