/**
 * The officer's worksheet (CSV or XLSX): one row per worklist record with the entered values,
 * the matcher's suggestions pre-filled, and columns the officer fills in. Pure mapping both
 * ways; reading and writing files lives in the services.
 */
import { foldName } from '../matching/index.js';
import type { Candidate, Corrections, Outcome } from '../records.js';
import {
  CORRECTABLE_FIELDS, DECISIONS, OFFICER_ROLES, type CorrectionInput, type Decision, type FieldProblem,
  type FieldValues, type OfficerRole, type RecordValues,
} from './types.js';

/** One record of a locality's worklist (the API item and the source of a worksheet row). */
export interface WorklistItem {
  recordId: string;
  communeCode: string;
  /** The record's current version: a correction names it as its `baseVersion`. */
  version: number;
  roundId: string;
  outcome: Outcome;
  reason?: string;
  score?: number;
  entered: RecordValues;
  suggested?: Corrections;
  candidates?: Candidate[];
  /** A correction was applied and its re-verification has not reported yet. */
  correctionPending: boolean;
}

const f = (prefix: string) => CORRECTABLE_FIELDS.map((x) => `${prefix}_${x}`);

/** Column keys, in order; the header row holds exactly these. */
export const WORKSHEET_COLUMNS = [
  'recordId', 'baseVersion', 'outcome', 'reason', 'candidates',
  ...f('entered'), 'entered_nationality',
  ...f('suggested'),
  ...f('corrected'),
  'decision', 'explanation', 'officerName', 'officerRole', 'signedOffBy',
] as const;

/** Columns the officer fills in (highlighted in the XLSX). */
export const OFFICER_COLUMNS: ReadonlySet<string> = new Set([...f('corrected'), 'decision', 'explanation', 'officerName', 'officerRole', 'signedOffBy']);

export function worksheetRow(item: WorklistItem): Record<string, string | number> {
  const row: Record<string, string | number> = {
    recordId: item.recordId,
    baseVersion: item.version,
    outcome: item.outcome,
    reason: item.reason ?? '',
    candidates: (item.candidates ?? []).map((c) => `${c.personalId} (${c.score.toFixed(2)})`).join('; '),
    entered_nationality: item.entered.nationality,
  };
  for (const x of CORRECTABLE_FIELDS) {
    row[`entered_${x}`] = item.entered[x];
    row[`suggested_${x}`] = item.suggested?.[x] ?? '';
    row[`corrected_${x}`] = '';
  }
  for (const k of ['decision', 'explanation', 'officerName', 'officerRole', 'signedOffBy']) row[k] = '';
  return row;
}

/** A spreadsheet cell as text: numbers, dates (dd/mm/yyyy), rich text and formula results. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Date) {
    const p = (n: number) => String(n).padStart(2, '0');
    return `${p(v.getUTCDate())}/${p(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
  }
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('').trim();
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
  }
  return String(v).trim();
}

const DECISION_WORDS = new Map<string, Decision>([
  ...DECISIONS.map((d) => [d, d] as const),
  ['xac nhan', 'confirm'], ['dong y', 'confirm'], ['tu choi', 'reject'], ['khong dong y', 'reject'], ['giai trinh', 'explain'],
]);

export function parseDecision(raw: string): Decision | undefined {
  if (raw === '') return undefined;
  return DECISION_WORDS.get(raw.toLowerCase()) ?? DECISION_WORDS.get(foldName(raw));
}

export type WorksheetRowResult =
  | { kind: 'skip' }
  | { kind: 'problems'; recordId?: string; problems: FieldProblem[] }
  | { kind: 'correction'; input: CorrectionInput };

/**
 * Read one filled row. A row with no decision, no corrected value and no explanation was not
 * filled in and is skipped. A row with corrected values and no decision means `confirm`
 * (apply these values; blanks take the suggestions).
 */
export function readWorksheetRow(cells: Record<string, unknown>, defaults: { officerName?: string; officerRole?: OfficerRole } = {}): WorksheetRowResult {
  const t = (k: string) => cellText(cells[k]);
  const values: FieldValues = {};
  for (const x of CORRECTABLE_FIELDS) if (t(`corrected_${x}`) !== '') values[x] = t(`corrected_${x}`);
  const decisionText = t('decision');
  const explanation = t('explanation');
  if (decisionText === '' && explanation === '' && Object.keys(values).length === 0) return { kind: 'skip' };

  const problems: FieldProblem[] = [];
  const recordId = t('recordId');
  if (recordId === '') problems.push({ field: 'recordId', reason: 'empty' });
  const versionText = t('baseVersion');
  const baseVersion = Number(versionText);
  if (versionText === '' || !Number.isInteger(baseVersion) || baseVersion < 0) problems.push({ field: 'baseVersion', reason: 'must be the record version from the export (a whole number)' });
  let decision = parseDecision(decisionText);
  if (decisionText === '' && Object.keys(values).length > 0) decision = 'confirm';
  if (decisionText === '' && !decision) decision = explanation !== '' ? 'explain' : undefined;
  if (!decision) problems.push({ field: 'decision', reason: `"${decisionText.slice(0, 20)}" is not one of ${DECISIONS.join(', ')}` });
  const officerName = t('officerName') || defaults.officerName || '';
  if (officerName === '') problems.push({ field: 'officerName', reason: 'empty: who made the correction must be recorded' });
  const roleText = t('officerRole') || defaults.officerRole || 'health_station';
  const role = OFFICER_ROLES.find((r) => r === roleText.toLowerCase());
  if (!role) problems.push({ field: 'officerRole', reason: `must be one of ${OFFICER_ROLES.join(', ')}` });
  if (problems.length) return { kind: 'problems', recordId: recordId || undefined, problems };

  const signedOffBy = t('signedOffBy');
  return {
    kind: 'correction',
    input: {
      recordId,
      baseVersion,
      decision: decision!,
      values,
      ...(explanation ? { explanation } : {}),
      officer: { name: officerName, role: role! },
      ...(signedOffBy ? { signOff: { by: signedOffBy, role: 'commune_police' as const } } : {}),
    },
  };
}
