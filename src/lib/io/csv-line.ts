/**
 * Incremental RFC 4180 record parser fed one physical line at a time, so a quoted field
 * may span lines and the reader can still resynchronise on the next line after an error.
 */
export interface CsvRecordState {
  fields: string[];
  field: string;
  inQuotes: boolean;
  /** The current field has been closed by a quote: only a delimiter may follow. */
  closed: boolean;
  /** Characters consumed so far, to bound a runaway quoted field. */
  size: number;
}

export type FeedResult = { status: 'done'; fields: string[] } | { status: 'more' } | { status: 'error'; reason: string };

export function newCsvState(): CsvRecordState {
  return { fields: [], field: '', inQuotes: false, closed: false, size: 0 };
}

/** Feed the next physical line of the current record. */
export function feedCsvLine(st: CsvRecordState, line: string, delimiter: string): FeedResult {
  st.size += line.length + 1;
  // Fast path: most rows of a campaign export have no quotes at all.
  if (!st.inQuotes && st.fields.length === 0 && st.field === '' && !st.closed && !line.includes('"')) {
    return { status: 'done', fields: line.split(delimiter) };
  }
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (st.inQuotes) {
      if (ch !== '"') {
        st.field += ch;
      } else if (line[i + 1] === '"') {
        st.field += '"';
        i++;
      } else {
        st.inQuotes = false;
        st.closed = true;
      }
      continue;
    }
    if (ch === delimiter) {
      st.fields.push(st.field);
      st.field = '';
      st.closed = false;
      continue;
    }
    const column = st.fields.length + 1;
    if (st.closed) {
      return { status: 'error', reason: `broken quoting: unexpected character after a closing quote in column ${column}` };
    }
    if (ch === '"') {
      if (st.field.trim() !== '') {
        return { status: 'error', reason: `broken quoting: stray quote inside unquoted column ${column}` };
      }
      st.field = '';
      st.inQuotes = true;
      continue;
    }
    st.field += ch;
  }
  if (st.inQuotes) {
    st.field += '\n';
    return { status: 'more' };
  }
  st.fields.push(st.field);
  return { status: 'done', fields: st.fields };
}

/** Guess the delimiter from the header line: `,` unless the header clearly uses `;` or a tab. */
export function detectDelimiter(headerLine: string): string {
  const count = (c: string) => headerLine.split(c).length - 1;
  const commas = count(',');
  if (commas > 0) return ',';
  if (count(';') > 0) return ';';
  if (count('\t') > 0) return '\t';
  return ',';
}
