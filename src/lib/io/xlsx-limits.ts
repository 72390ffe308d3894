import { createInflateRaw } from 'node:zlib';

/**
 * An uploaded XLSX is a ZIP archive an attacker controls: a 150 KB file can inflate to gigabytes
 * (or to millions of shared strings, which a reader caches) and hide 500,000 empty rows. Before
 * any spreadsheet reader sees it, `checkXlsxLimits` walks the archive itself, inflating every
 * entry as a stream that is destroyed the moment a cap is passed (nothing is kept), and counts:
 * the bytes inflated (all entries), the shared strings (`<si>` items and bytes) and every `<row>`
 * of every worksheet, empty or not. Entries must be the ones the central directory lists, in its
 * order, stored or deflated, without ZIP64; anything else is refused.
 */
export interface XlsxLimits {
  /** Rows of all worksheets together (the header row included). */
  maxRows: number;
  /** Bytes inflated from all entries together. */
  maxInflatedBytes: number;
  /** Items of xl/sharedStrings.xml. */
  maxSharedStrings: number;
  /** Inflated bytes of xl/sharedStrings.xml. */
  maxSharedStringBytes: number;
}

export class XlsxLimitError extends Error {
  constructor(message: string, readonly limit?: keyof XlsxLimits) {
    super(message);
    this.name = 'XlsxLimitError';
  }
}

const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
const EOCD = 0x06054b50;
const DESCRIPTOR = 0x08074b50;

interface Entry { name: string; method: number; flags: number; csize: number; usize: number; offset: number }

function centralDirectory(buf: Buffer): Entry[] {
  const bad = (why: string) => new XlsxLimitError(`the upload is not a readable XLSX workbook (${why})`);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) { eocd = i; break; }
  }
  if (eocd < 0) throw bad('no end of central directory');
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw bad('ZIP64 archives are not accepted');
  if (cdOffset + cdSize > eocd) throw bad('central directory out of bounds');
  const entries: Entry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw bad('broken central directory');
    const nameLen = buf.readUInt16LE(p + 28);
    const e: Entry = {
      flags: buf.readUInt16LE(p + 8), method: buf.readUInt16LE(p + 10), csize: buf.readUInt32LE(p + 20), usize: buf.readUInt32LE(p + 24),
      offset: buf.readUInt32LE(p + 42), name: buf.toString('utf8', p + 46, p + 46 + nameLen),
    };
    if (e.csize === 0xffffffff || e.usize === 0xffffffff || e.offset === 0xffffffff) throw bad('ZIP64 entries are not accepted');
    if (e.method !== 0 && e.method !== 8) throw bad(`compression method ${e.method}`);
    if (e.flags & 1) throw bad('encrypted entries');
    entries.push(e);
    p += 46 + nameLen + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
  return entries;
}

/** Counts tags split across chunks exactly once: a match is counted once it can no longer grow. */
function tagCounter(re: RegExp, maxLen: number) {
  let carry = '';
  let n = 0;
  return {
    push(chunk: string) {
      const s = carry + chunk;
      const cut = s.length - maxLen;
      for (const m of s.matchAll(re)) if (m.index < cut) n++;
      carry = s.slice(Math.max(0, cut));
      return n;
    },
    end() {
      for (const _m of carry.matchAll(re)) n++;
      carry = '';
      return n;
    },
  };
}

/** `<row …>`, `<row/>`, `<x:row …>` (a namespace prefix of up to 10 characters); never `<rowBreaks`. */
const ROW_TAG = /<(?:\w{1,10}:)?row[\s/>]/g;
const SI_TAG = /<(?:\w{1,10}:)?si[\s/>]/g;
const TAG_MAX = 16;

/** Throws XlsxLimitError when the archive is malformed or passes a cap; reads nothing else into memory. */
export async function checkXlsxLimits(buf: Buffer, limits: XlsxLimits): Promise<void> {
  const entries = centralDirectory(buf);
  let inflated = 0;
  let rows = 0;
  let pos = 0;
  for (const e of entries) {
    // The local headers must be the directory's entries, back to back: a streaming reader walks them, not the directory.
    if (e.offset !== pos || pos + 30 > buf.length || buf.readUInt32LE(pos) !== LOCAL) {
      throw new XlsxLimitError('the upload is not a readable XLSX workbook (entries outside the central directory)');
    }
    const dataStart = pos + 30 + buf.readUInt16LE(pos + 26) + buf.readUInt16LE(pos + 28);
    const dataEnd = dataStart + e.csize;
    if (dataEnd > buf.length) throw new XlsxLimitError('the upload is not a readable XLSX workbook (truncated entry)');
    if ((e.flags & 8) && e.method === 0) throw new XlsxLimitError('the upload is not a readable XLSX workbook (stored entry with a data descriptor)');
    pos = dataEnd;
    if (e.flags & 8) pos += buf.length >= pos + 4 && buf.readUInt32LE(pos) === DESCRIPTOR ? 16 : 12;

    const sheet = /^xl\/worksheets\/[^/]+\.xml$/i.test(e.name);
    const shared = /^xl\/sharedStrings\.xml$/i.test(e.name);
    const rowTags = sheet ? tagCounter(ROW_TAG, TAG_MAX) : null;
    const siTags = shared ? tagCounter(SI_TAG, TAG_MAX) : null;
    let entryBytes = 0;
    const onChunk = (chunk: Buffer) => {
      inflated += chunk.length;
      entryBytes += chunk.length;
      if (inflated > limits.maxInflatedBytes) throw new XlsxLimitError(`the workbook inflates to more than ${limits.maxInflatedBytes} bytes: split it`, 'maxInflatedBytes');
      if (shared && entryBytes > limits.maxSharedStringBytes) throw new XlsxLimitError(`the workbook's shared strings exceed ${limits.maxSharedStringBytes} bytes: split it`, 'maxSharedStringBytes');
      const text = chunk.toString('latin1'); // tag names are ASCII; latin1 maps bytes 1:1 and never fails
      if (rowTags && rows + rowTags.push(text) > limits.maxRows) throw new XlsxLimitError(`the worksheet has more than ${limits.maxRows - 1} rows: split it`, 'maxRows');
      if (siTags && siTags.push(text) > limits.maxSharedStrings) throw new XlsxLimitError(`the workbook has more than ${limits.maxSharedStrings} shared strings: split it`, 'maxSharedStrings');
    };
    const data = buf.subarray(dataStart, dataEnd);
    if (e.method === 0) onChunk(data);
    else await inflateCapped(data, onChunk);
    if (rowTags) {
      rows += rowTags.end();
      if (rows > limits.maxRows) throw new XlsxLimitError(`the worksheet has more than ${limits.maxRows - 1} rows: split it`, 'maxRows');
    }
    if (siTags && siTags.end() > limits.maxSharedStrings) throw new XlsxLimitError(`the workbook has more than ${limits.maxSharedStrings} shared strings: split it`, 'maxSharedStrings');
  }
}

/** Inflate one entry chunk by chunk; `onChunk` throwing destroys the stream at once. */
function inflateCapped(data: Buffer, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const z = createInflateRaw({ chunkSize: 64 * 1024 });
    let failed = false;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      z.destroy();
      reject(err instanceof XlsxLimitError ? err : new XlsxLimitError('the upload is not a readable XLSX workbook (corrupt entry)'));
    };
    z.on('data', (chunk: Buffer) => {
      try { onChunk(chunk); } catch (err) { fail(err); }
    });
    z.on('error', fail);
    z.on('end', () => { if (!failed) resolve(); });
    z.end(data);
  });
}
