/**
 * Rows read from CSV/NDJSON into the shared record types, or the reason they cannot be.
 * Values are kept as entered (the matcher normalizes); only shape is checked here.
 */
import type { Citizen, DoseRecordInput } from '../../../domain/records.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Strings as they are, numbers as text (an ID read as a number), empty for null/undefined. */
function text(row: Record<string, unknown>, field: string): string | null {
  const v = row[field];
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return null;
}

function fail<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

const CITIZEN_ID = /^\d{12}$/;
const REGISTRY_DATE = /^\d{4}(-\d{2}(-\d{2})?)?$/;

export function toCitizen(row: Record<string, unknown>): Parsed<Citizen> {
  const personalId = text(row, 'personalId')?.trim() ?? '';
  if (!CITIZEN_ID.test(personalId)) return fail('personalId: expected 12 digits');
  const fullName = text(row, 'fullName')?.trim() ?? '';
  if (fullName === '') return fail('fullName: missing');
  const dateOfBirth = text(row, 'dateOfBirth')?.trim() ?? '';
  if (!REGISTRY_DATE.test(dateOfBirth)) return fail('dateOfBirth: expected YYYY-MM-DD, YYYY-MM or YYYY');
  const gender = text(row, 'gender')?.trim().toLowerCase();
  if (gender !== 'male' && gender !== 'female') return fail('gender: expected male or female');
  const communeCode = text(row, 'communeCode')?.trim();
  if (communeCode === undefined || communeCode === null) return fail('communeCode: expected text');
  const oldIdNumber = text(row, 'oldIdNumber')?.trim();
  const citizen: Citizen = { personalId, fullName, dateOfBirth, gender, communeCode };
  if (oldIdNumber) citizen.oldIdNumber = oldIdNumber;
  return { ok: true, value: citizen };
}

const DOSE_TEXT_FIELDS = ['fullName', 'dateOfBirth', 'gender', 'idNumber', 'nationality', 'communeCode'] as const;

export function toDoseRecord(row: Record<string, unknown>): Parsed<DoseRecordInput> {
  const recordId = text(row, 'recordId')?.trim() ?? '';
  if (recordId === '') return fail('recordId: missing');
  const record: DoseRecordInput = {
    recordId,
    fullName: '',
    dateOfBirth: '',
    gender: '',
    idNumber: '',
    nationality: '',
    communeCode: '',
  };
  for (const field of DOSE_TEXT_FIELDS) {
    const value = text(row, field);
    if (value === null) return fail(`${field}: expected text`);
    record[field] = value;
  }
  return { ok: true, value: record };
}
