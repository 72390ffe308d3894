/**
 * Small reference files people write by hand (contacts, the facility register): a CSV with `,` or
 * `;` (whichever the header line holds more of), BOM ok, whose headers may be the field keys in any
 * case or spacing or the Vietnamese headers, matched folded.
 */
import { parse } from 'csv-parse/sync';

/** Folded for matching: lower case, no tone marks, đ → d, no spaces, _ or -. */
export const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase().replace(/[\s_-]/g, '');

/**
 * The rows of `text` keyed by `fields[fold(header)]` (an unknown header becomes `unknown:<header>`),
 * each with its line in the file; `header` the keys in file order.
 */
export function parseAliasedCsv<K extends string>(
  text: string, fields: Record<string, K>,
): { header: string[]; rows: { record: Record<string, string>; line: number }[] } {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  let header: string[] = [];
  const rows = parse(text, {
    bom: true, delimiter, trim: true, skip_empty_lines: true, relax_column_count: true, info: true,
    columns: (h: string[]) => (header = h.map((x) => fields[fold(x)] ?? `unknown:${x}`)),
  }) as { record: Record<string, string>; info: { lines: number } }[];
  return { header, rows: rows.map(({ record, info }) => ({ record, line: info.lines })) };
}
