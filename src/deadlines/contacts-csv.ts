import { fold, parseAliasedCsv } from '../lib/aliased-csv.js';
import { contactInputSchema, type ContactInput } from './contacts.service.js';

export interface ContactCsvResult {
  contacts: ContactInput[];
  rejects: { line: number; message: string }[];
}

/** Header aliases: camelCase, snake_case or spaced, any case, or the Vietnamese headers (folded). */
const FIELDS: Record<string, keyof ContactInput> = {
  localitycode: 'localityCode', locality: 'localityCode', code: 'localityCode', madiaphuong: 'localityCode',
  level: 'level', cap: 'level', role: 'role', vaitro: 'role', name: 'name', hovaten: 'name', hoten: 'name',
  title: 'title', chucvu: 'title', phone: 'phone', sodienthoai: 'phone', dienthoai: 'phone',
  webhookurl: 'webhookUrl', webhook: 'webhookUrl', email: 'email', thudientu: 'email',
};
/** Vietnamese values of the level and role columns, folded, → their codes. */
const LEVELS: Record<string, string> = { xa: 'commune', phuong: 'commune', xaphuong: 'commune', huyen: 'district', quanhuyen: 'district', tinh: 'province', tinhthanhpho: 'province', boyte: 'ministry' };
const ROLES: Record<string, string> = {
  chutichubnd: 'chairperson', chutich: 'chairperson', phochutichubnd: 'vice-chairperson', totruongtocongtacdean06: 'working-group-head',
  truongtramyte: 'health-station-head', nguoidungdaucosotiemchung: 'facility-head', canbodaumoi: 'focal-point',
};

/**
 * Parse a contacts CSV (`localityCode,level,role,name,title,phone,webhookUrl,email`, or the Vietnamese
 * headers `Mã địa phương,Cấp,Vai trò,Họ và tên,Chức vụ,Số điện thoại,Thư điện tử`; `,` or `;`, BOM ok).
 * Each bad row is rejected with its line number and the reasons; good rows are returned.
 */
export function parseContactsCsv(text: string): ContactCsvResult {
  const { rows } = parseAliasedCsv(text, FIELDS);
  const out: ContactCsvResult = { contacts: [], rejects: [] };
  for (const { record, line } of rows) {
    const unknown = Object.keys(record).filter((k) => k.startsWith('unknown:'));
    for (const k of unknown) delete record[k];
    if (record.level) record.level = LEVELS[fold(record.level)] ?? record.level;
    if (record.role) record.role = ROLES[fold(record.role)] ?? record.role;
    const r = contactInputSchema.safeParse(record);
    if (r.success) out.contacts.push(r.data);
    else out.rejects.push({ line, message: r.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ') });
  }
  return out;
}
