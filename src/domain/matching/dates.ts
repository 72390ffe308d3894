/**
 * Birth dates as entered at vaccination sites and as held by the registry. A parsed date
 * keeps the precision it was given (year, month or day) and never invents the rest.
 */

export type DatePrecision = 'year' | 'month' | 'day';

export interface BirthDate {
  year: number;
  /** 1–12, present for month and day precision (and for the 01/01 placeholder). */
  month?: number;
  day?: number;
  precision: DatePrecision;
  /** Entered as `01/01/yyyy`, the usual stand-in for an unknown day: worth a year only. */
  placeholder?: boolean;
}

/** Births before 1890 are not plausible for a 2021–2022 campaign; neither is the future. */
const MIN_YEAR = 1890;
const MAX_YEAR = 2100;
/** Spreadsheet day 1 is 1900-01-01 and day 60 the non-existent 1900-02-29 (Lotus bug). */
const SERIAL_EPOCH_UTC = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;
/** Serial numbers up to 73050 (2099-12-31); below 367 they are 1900 and too rare to trust. */
const MIN_SERIAL = 367;
const MAX_SERIAL = 73_050;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function build(year: number, month: number, day: number): BirthDate | null {
  if (year < MIN_YEAR || year > MAX_YEAR) return null;
  if (month === 0 && day === 0) return { year, precision: 'year' };
  if (month < 1 || month > 12) return null;
  if (day === 0) return { year, month, precision: 'month' };
  if (day < 1 || day > daysInMonth(year, month)) return null;
  if (day === 1 && month === 1) return { year, month, day, precision: 'year', placeholder: true };
  return { year, month, day, precision: 'day' };
}

function fromSerial(serial: number): BirthDate | null {
  if (serial < MIN_SERIAL || serial > MAX_SERIAL) return null;
  const d = new Date(SERIAL_EPOCH_UTC + serial * DAY_MS);
  return build(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

function fromDigits(s: string): BirthDate | null {
  const n = Number(s);
  // A year; a 4-digit number past any birth year is a spreadsheet day of 1905–1927.
  if (s.length === 4) return n > MAX_YEAR ? fromSerial(n) : build(n, 0, 0);
  if (s.length === 8) {
    const head = s.slice(0, 2);
    // yyyymmdd when it starts with a century, else ddmmyyyy.
    if (head === '18' || head === '19' || head === '20') {
      const iso = build(n / 10_000 | 0, (n / 100 | 0) % 100, n % 100);
      if (iso) return iso;
    }
    return build(n % 10_000, (n / 10_000 | 0) % 100, n / 1_000_000 | 0);
  }
  if (s.length <= 5) return fromSerial(n);
  return null;
}

interface DatePart {
  value: number;
  digits: number;
}

/** `dd/mm/yyyy`, `d-m-yyyy`, `dd.mm.yyyy`, `mm/yyyy`, or `yyyy-mm-dd` / `yyyy-mm` / `yyyy/mm/dd`. */
function fromParts(parts: DatePart[]): BirthDate | null {
  if (parts.length < 2 || parts.length > 3) return null;
  const [first, second, third] = parts as [DatePart, DatePart, DatePart | undefined];
  if (first.digits === 4) return build(first.value, second.value, third ? third.value : 0);
  const year = third ?? second;
  // Two-digit years are refused: the century would be a guess.
  if (year.digits !== 4) return null;
  if (!third) return build(second.value, first.value, 0);
  const a = first.value;
  const b = second.value;
  // Vietnamese order is day/month; a month above 12 means the sheet was month/day.
  if (b > 12 && a <= 12) return build(third.value, a, b);
  return build(third.value, b, a);
}

/** Numbers between separators (`/`, `-`, `.`, space), read without building substrings; null on other characters. */
function splitDate(s: string): DatePart[] | null {
  const parts: DatePart[] = [];
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 32;
    if (c >= 48 && c <= 57) {
      value = value * 10 + c - 48;
      digits++;
    } else if (c === 47 || c === 45 || c === 46 || c === 32) {
      if (digits > 0) parts.push({ value, digits });
      value = 0;
      digits = 0;
    } else {
      return null;
    }
  }
  return parts;
}

/** Parse a birth date as entered; `null` when empty or not a date we can trust. */
export function parseBirthDate(raw: string | number | null | undefined): BirthDate | null {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return Number.isInteger(raw) ? fromSerial(raw) : null;
  let s = raw.trim();
  if (s === '') return null;
  // ISO timestamps from spreadsheets and JSON exports: keep the date part.
  const t = s.indexOf('T');
  if (t === 10) s = s.slice(0, 10);
  if (isDigits(s)) return fromDigits(s);
  // `29221.0` (a serial number read as a float).
  const dot = s.indexOf('.');
  if (dot > 0 && isDigits(s.slice(0, dot)) && /^0+$/.test(s.slice(dot + 1))) {
    return fromSerial(Number(s.slice(0, dot)));
  }
  const parts = splitDate(s) ?? splitDate(withoutDateWords(s));
  return parts ? fromParts(parts) : null;
}

/**
 * `T4/1985`, `Th.04/1985`, `tháng 4/1985`, `tháng 4 năm 1985`, `ngày 12 tháng 4 năm 1985`: the
 * Vietnamese words for day, month and year (and their abbreviations) read as separators.
 */
const DATE_WORDS = /(ngày|ngay|tháng|thang|thg|năm|nam|th|t|ng|n)\.?/gu;

function withoutDateWords(s: string): string {
  return s.normalize('NFC').toLowerCase().replace(DATE_WORDS, ' ');
}

/**
 * The registry's own `YYYY-MM-DD`, `YYYY-MM` or `YYYY`. A registry 01-01 is a real
 * date (the registry does not use placeholders), so it keeps day precision.
 */
export function parseRegistryDate(iso: string): BirthDate | null {
  let parsed = registryDates.get(iso);
  if (parsed === undefined) {
    parsed = readRegistryDate(iso);
    // Some 40,000 distinct dates cover a century of births; the bound guards against junk.
    if (registryDates.size >= 100_000) registryDates.clear();
    registryDates.set(iso, parsed);
  }
  return parsed;
}

const registryDates = new Map<string, BirthDate | null>();

function readRegistryDate(iso: string): BirthDate | null {
  const year = Number(iso.slice(0, 4));
  if (!Number.isInteger(year) || iso.length < 4) return null;
  if (iso.length === 4) return { year, precision: 'year' };
  const month = Number(iso.slice(5, 7));
  if (iso.length === 7) return { year, month, precision: 'month' };
  const day = Number(iso.slice(8, 10));
  if (!month || !day) return null;
  return { year, month, day, precision: 'day' };
}

/** `YYYY-MM-DD` / `YYYY-MM` / `YYYY` at the date's own precision. */
export function formatBirthDate(d: BirthDate): string {
  const y = String(d.year).padStart(4, '0');
  if (d.precision === 'year') return y;
  const m = String(d.month).padStart(2, '0');
  if (d.precision === 'month') return `${y}-${m}`;
  return `${y}-${m}-${String(d.day).padStart(2, '0')}`;
}
