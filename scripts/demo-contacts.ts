import { communeSites } from '../src/domain/synth/facilities.js';
import { FACILITY_HEADERS } from '../src/facilities/facilities-csv.js';

/**
 * The demo's people: who answers for the province, the district and each commune, with titles
 * and phone numbers, as the campaign named them (the province's People's Committee chairperson,
 * the Project-06 working-group heads, each commune's chairperson and health-station head).
 * Names are synthetic (a fixed list, chosen by position), phone numbers are in the 0900 000 xxx
 * range no operator assigns. Written as the contacts CSV in Vietnamese headers that the page imports.
 */
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Ngô'];
const MIDDLE = ['Văn', 'Thị', 'Đức', 'Minh', 'Thu', 'Quang', 'Ngọc', 'Hữu'];
const GIVEN = ['An', 'Bình', 'Cường', 'Dung', 'Giang', 'Hà', 'Hùng', 'Lan', 'Long', 'Mai', 'Nam', 'Phúc', 'Quân', 'Sơn', 'Thảo', 'Tuấn'];
const nameAt = (i: number) => `${FAMILY[i % FAMILY.length]} ${MIDDLE[(i * 3) % MIDDLE.length]} ${GIVEN[(i * 7) % GIVEN.length]}`;
const phoneAt = (i: number) => `0900 000 ${String(i).padStart(3, '0')}`;

interface Unit { code: string; name: string; level: string }

export function demoContactsCsv(province: Unit, district: Unit, communes: readonly Unit[]): string {
  let i = 0;
  const row = (u: Unit, level: string, role: string, title: string) => {
    i += 1;
    return [u.code, level, role, nameAt(i), title, phoneAt(i), ''].map((v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
  };
  return [
    'Mã địa phương,Cấp,Vai trò,Họ và tên,Chức vụ,Số điện thoại,Thư điện tử',
    row(province, 'tỉnh', 'Chủ tịch UBND', `Chủ tịch UBND ${province.name}`),
    row(province, 'tỉnh', 'Tổ trưởng Tổ công tác Đề án 06', `Giám đốc Công an ${province.name}, Tổ trưởng Tổ công tác Đề án 06`),
    row(district, 'huyện', 'Chủ tịch UBND', `Chủ tịch UBND ${district.name}`),
    row(district, 'huyện', 'Tổ trưởng Tổ công tác Đề án 06', `Trưởng Công an ${district.name}, Tổ trưởng Tổ công tác Đề án 06`),
    ...communes.flatMap((c) => [
      row(c, 'xã', 'Chủ tịch UBND', `Chủ tịch UBND ${c.name}`),
      row(c, 'xã', 'Trưởng trạm y tế', `Trưởng trạm y tế ${c.name}`),
    ]),
  ].join('\n') + '\n';
}

/**
 * The demo's facility register: every commune's sites (src/domain/synth/facilities.ts, the IDs its
 * dose records carry) with a head each, as the register file in Vietnamese headers that
 * `vaxverify facilities import` reads. Heads' numbers continue the contacts' range (0900 000 5xx).
 */
export function demoFacilitiesCsv(communes: readonly Unit[]): string {
  const cell = (v: string) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  let i = 500;
  return [
    FACILITY_HEADERS.join(','),
    ...communes.flatMap((c) => communeSites(c).map((s) => {
      i += 1;
      return [s.facilityId, s.name, s.communeCode, nameAt(i), s.headTitle, phoneAt(i)].map(cell).join(',');
    })),
  ].join('\n') + '\n';
}
