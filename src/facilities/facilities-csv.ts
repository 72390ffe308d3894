import { parseAliasedCsv } from '../lib/aliased-csv.js';
import { text, type TextKey } from '../domain/i18n/index.js';

/** One facility of the register, as imported. */
export interface FacilityInput {
  facilityId: string;
  name: string;
  communeCode: string;
  headName: string | null;
  headTitle: string | null;
  headPhone: string | null;
}

/** A refused row: its line in the file, the problem as a catalogue key (Vietnamese by default) and the text. */
export interface FacilityReject { line: number; key: TextKey; params: Record<string, string | number>; message: string }

export interface FacilityCsvResult {
  facilities: (FacilityInput & { line: number })[];
  rejects: FacilityReject[];
  /** Rows read (data rows, the header excluded). */
  rows: number;
}

/** Header aliases (folded: lower case, no tone marks, no spaces): the keys themselves or the Vietnamese headers. */
const FIELDS: Record<string, keyof FacilityInput> = {
  facilityid: 'facilityId', facility: 'facilityId', macoso: 'facilityId', macosotiemchung: 'facilityId',
  name: 'name', tencoso: 'name', tencosotiemchung: 'name',
  communecode: 'communeCode', commune: 'communeCode', maxa: 'communeCode', maxaphuong: 'communeCode',
  headname: 'headName', hotennguoidungdau: 'headName', nguoidungdau: 'headName',
  headtitle: 'headTitle', chucvu: 'headTitle', chucvunguoidungdau: 'headTitle',
  headphone: 'headPhone', sodienthoai: 'headPhone', sodienthoainguoidungdau: 'headPhone',
};
const REQUIRED = ['facilityId', 'name', 'communeCode'] as const;

/** The Vietnamese headers the register file is written with (and read by, with the keys). */
export const FACILITY_HEADERS = ['Mã cơ sở', 'Tên cơ sở', 'Mã xã', 'Họ tên người đứng đầu', 'Chức vụ người đứng đầu', 'Số điện thoại người đứng đầu'] as const;

const ID = /^[A-Za-z0-9_.-]{1,64}$/;
const PHONE = /^\+?[0-9 .()-]{6,20}$/;
/** A cell echoed in an error: at most 40 characters, control characters dropped. */
const echo = (v: string) => {
  // eslint-disable-next-line no-control-regex
  const s = v.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
};
const reject = (line: number, key: TextKey, params: Record<string, string | number> = {}): FacilityReject => ({
  line, key, params, message: text('fac.row', 'vi', { line, problem: text(key, 'vi', params) }),
});

/**
 * Parse the facility register (CSV, `,` or `;`, BOM ok): headers `Mã cơ sở,Tên cơ sở,Mã xã,Họ tên
 * người đứng đầu,Chức vụ người đứng đầu,Số điện thoại người đứng đầu` or the keys. Each bad row is
 * refused with its line and the problem in Vietnamese (the cell echoed at most 40 characters);
 * every good row is kept. A facility ID given twice keeps its first row.
 */
export function parseFacilitiesCsv(csv: string): FacilityCsvResult {
  const { header, rows } = parseAliasedCsv(csv, FIELDS);
  const out: FacilityCsvResult = { facilities: [], rejects: [], rows: rows.length };
  const absent = REQUIRED.filter((k) => !header.includes(k));
  if (absent.length) {
    const labels = absent.map((k) => FACILITY_HEADERS[REQUIRED.indexOf(k)]!);
    out.rejects.push(reject(1, 'fac.columns', { cols: labels.join(', ') }));
    return out;
  }
  const seen = new Map<string, number>();
  for (const { record: r, line } of rows) {
    const cell = (k: keyof FacilityInput) => (r[k] ?? '').trim();
    const id = cell('facilityId');
    const name = cell('name');
    const commune = cell('communeCode');
    const opt = (k: keyof FacilityInput) => cell(k) || null;
    const problem = !id ? reject(line, 'fac.idMissing')
      : !ID.test(id) ? reject(line, 'fac.id', { v: echo(id) })
      : !name || name.length > 200 ? reject(line, 'fac.name', { id })
      : !/^\d{5}$/.test(commune) ? reject(line, 'fac.commune', { v: echo(commune), id })
      : cell('headName').length > 200 || cell('headTitle').length > 200 ? reject(line, 'fac.head', { id })
      : cell('headPhone') && !PHONE.test(cell('headPhone')) ? reject(line, 'fac.phone', { v: echo(cell('headPhone')), id })
      : seen.has(id) ? reject(line, 'fac.duplicate', { id, other: seen.get(id)! })
      : null;
    if (problem) { out.rejects.push(problem); continue; }
    seen.set(id, line);
    out.facilities.push({ line, facilityId: id, name, communeCode: commune, headName: opt('headName'), headTitle: opt('headTitle'), headPhone: opt('headPhone') });
  }
  return out;
}
