import { parse } from 'csv-parse/sync';
import { contactInputSchema, type ContactInput } from './contacts.service.js';

export interface ContactCsvResult {
  contacts: ContactInput[];
  rejects: { line: number; message: string }[];
}

/** Header aliases: camelCase, snake_case or spaced, any case. */
const FIELDS: Record<string, keyof ContactInput> = {
  localitycode: 'localityCode', locality: 'localityCode', code: 'localityCode',
  level: 'level', role: 'role', name: 'name',
  webhookurl: 'webhookUrl', webhook: 'webhookUrl', email: 'email',
};
const fieldOf = (header: string) => FIELDS[header.toLowerCase().replace(/[\s_-]/g, '')];

/**
 * Parse a contacts CSV (`localityCode,level,role,name,webhookUrl,email`; `,` or `;`, BOM ok).
 * Each bad row is rejected with its line number and the reasons; good rows are returned.
 */
export function parseContactsCsv(text: string): ContactCsvResult {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows = parse(text, {
    bom: true, delimiter, trim: true, skip_empty_lines: true, relax_column_count: true, info: true,
    columns: (header: string[]) => header.map((h) => fieldOf(h) ?? `unknown:${h}`),
  }) as { record: Record<string, string>; info: { lines: number } }[];

  const out: ContactCsvResult = { contacts: [], rejects: [] };
  for (const { record, info } of rows) {
    const unknown = Object.keys(record).filter((k) => k.startsWith('unknown:'));
    for (const k of unknown) delete record[k];
    const r = contactInputSchema.safeParse(record);
    if (r.success) out.contacts.push(r.data);
    else out.rejects.push({ line: info.lines, message: r.error.issues.map((i) => `${i.path.join('.') || 'row'}: ${i.message}`).join('; ') });
  }
  return out;
}
