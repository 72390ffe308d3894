import { describe, expect, it } from 'vitest';
import { buildHierarchy, communesOf, descendantFilter, parseAdminUnitRow, type AdminUnitRow } from '../../../src/domain/admin-units/index.js';

const row = (code: string, level: string, parent_code = '') => parseAdminUnitRow({ code, name: `U${code}`, type: 'x', level, parent_code });

describe('admin units', () => {
  it('validates codes by level and parents', () => {
    expect(row('01', 'province')).toMatchObject({ ok: true });
    expect(row('001', 'province')).toMatchObject({ ok: false, field: 'code' });
    expect(row('00001', 'commune', '01')).toMatchObject({ ok: false, field: 'parent_code' });
    expect(row('01', 'state')).toMatchObject({ ok: false, field: 'level' });
  });

  it('resolves province and district codes and reports orphans and duplicates', () => {
    const rows = [row('01', 'province'), row('001', 'district', '01'), row('00001', 'commune', '001'), row('00002', 'commune', '999'), row('01', 'province')]
      .map((r) => (r.ok ? r.unit : null))
      .filter((u): u is AdminUnitRow => u !== null);
    const { units, problems } = buildHierarchy(rows);
    expect(units.get('00001')).toMatchObject({ provinceCode: '01', districtCode: '001' });
    expect(units.get('001')).toMatchObject({ provinceCode: '01', districtCode: null });
    expect(problems.map((p) => p.code).sort()).toEqual(['00002', '01']);
    expect(communesOf(units, { province: '01' }).map((u) => u.code)).toEqual(['00001']);
    expect(() => communesOf(units, { communes: ['00009'] })).toThrow(/00009/);
  });

  it('filters descendants by level', () => {
    expect(descendantFilter({ code: '01', level: 'province' })).toEqual({ parentCode: '01' });
    expect(descendantFilter({ code: '01', level: 'province' }, 'commune')).toEqual({ provinceCode: '01', level: 'commune' });
    expect(descendantFilter({ code: '001', level: 'district' }, 'commune')).toEqual({ parentCode: '001', level: 'commune' });
    expect(descendantFilter({ code: '001', level: 'district' }, 'province')).toBeNull();
  });
});
