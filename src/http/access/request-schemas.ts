import { z } from 'zod';
import { ESCALATION_LEVELS } from '../../domain/rounds/policy.js';
import { CORRECTABLE_FIELDS, DECISIONS } from '../../domain/corrections/types.js';
import { ONLY_FILTERS } from '../../domain/dashboard/rollup.js';
import { ACCESS_KINDS } from '../../domain/access-log.js';
import { CORRECTION_STATUSES } from '../../domain/corrections/types.js';
import { ROUND_KINDS, ROUND_STATUSES } from '../../domain/rounds/values.js';
import { ADMIN_LEVELS } from '../../domain/admin-units/index.js';
import { ACTION_OUTCOMES } from '../../domain/corrections/types.js';
import { SIGN_OFF_DECISIONS } from '../../corrections/sign-off.service.js';
import { contactInputSchema } from '../../deadlines/contacts.service.js';
import { campaignInputSchema } from '../../deadlines/campaign.service.js';

/**
 * The request schemas of the route table's rows (one parse point). The authorize middleware
 * parses params, query and body of a request ONCE with its row's schemas, resolves the locality
 * scope from the parsed values and hands them to the router (`input(req, …)`), so the value that
 * was authorized is the value the handler acts on.
 */
const text = (max: number) => z.string().trim().min(1).max(max);
const localityCode = z.string().regex(/^\d{2}$|^\d{3}$|^\d{5}$/, 'a 2-, 3- or 5-digit locality code');
const objectId = (what: string) => z.string().regex(/^[a-f\d]{24}$/i, `${what} id (24 hex digits)`);

export const recordId = text(80);
export const roundId = z.string().regex(/^[\w.-]{1,100}$/, 'a round id');

export const codeParams = z.object({ code: localityCode }).strict();
export const dashboardParams = z.object({ code: z.string().regex(/^VN$|^\d{2}$|^\d{3}$|^\d{5}$/, 'VN, or a 2-, 3- or 5-digit locality code') }).strict();
export const dashboardQuery = z.object({ only: z.enum(ONLY_FILTERS).optional() });

// Rounds and deadlines.
export const roundParams = z.object({ id: roundId }).strict();
export const createRoundsBody = z.object({
  localities: z.array(z.string().regex(/^\d{2}(\d|\d{3})?$/, 'a 2-digit province, 3-digit district or 5-digit commune code')).min(1).max(20_000),
  kind: z.enum(ROUND_KINDS).default('verification'),
  /** Round number for the locality: 1 for the first verification, then correction rounds. */
  seq: z.number().int().min(1).max(1000).default(1),
  deadline: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
}).strict();
export const listRoundsQuery = z.object({
  locality: z.string().regex(/^\d{2}(\d|\d{3})?$/, 'a 2-digit province, 3-digit district or 5-digit commune code').optional(),
  status: z.enum(ROUND_STATUSES).optional(),
  kind: z.enum(ROUND_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().max(64).optional(),
  /** `progress=true`: each round's live chunk progress (chunks done, records done). */
  progress: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});
/** A level whose deadline is its own (the nation, a province, a district); a commune's is its round's. */
export const levelParams = z.object({ code: z.string().regex(/^VN$|^\d{2}$|^\d{3}$/, 'VN, or a 2-digit province or 3-digit district code') }).strict();
/** Shapes only: the rules (whole days ≥ 1, one act, shortening named, never past) are src/domain/rounds/deadline-request.ts, answered in Vietnamese. */
export const deadlineBody = z.object({
  extendByDays: z.number().finite().optional(),
  extendByHours: z.number().finite().optional(),
  deadline: z.string().max(40).optional(),
  shorten: z.boolean().optional(),
  reason: z.string().max(500).default(''),
}).strict();
export const escalationQuery = z.object({
  roundId: z.string().max(80).optional(),
  level: z.enum(ESCALATION_LEVELS).optional(),
  open: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
  /** The area: a province (2 digits), a district (3) or a commune (5); `province` is the older name of a province's. */
  locality: z.string().regex(/^(\d{2}|\d{3}|\d{5})$/, 'a 2-digit province, 3-digit district or 5-digit commune code').optional(),
  province: z.string().regex(/^\d{2}$/, 'a 2-digit province code').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
}).transform(({ province, ...q }) => ({ ...q, locality: q.locality ?? province }));
export const escalationParams = z.object({ id: objectId('an escalation') }).strict();
/** Who acknowledges is the token's identity; `by` may name the office acting (no personal data). */
export const ackBody = z.object({
  by: z.string().trim().min(1).max(120).optional(),
  note: z.string().trim().max(1000).optional(),
}).strict();
export const contactQuery = z.object({
  localityCode: z.string().max(5).optional(),
  level: z.enum(ESCALATION_LEVELS).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});
export const contactsBody = z.object({ contacts: z.array(contactInputSchema).min(1).max(10_000) }).strict();
export const campaignBody = campaignInputSchema;
/** One locality's contacts, edited from its page (a few dozen at most: chairperson, working-group heads, facility heads). */
export const localityContactsBody = z.object({ contacts: z.array(contactInputSchema).min(1).max(200) }).strict();
/** A contacts CSV read by the page (200 KB: thousands of rows, far more than one locality has). */
export const localityContactsImportBody = z.object({ csv: z.string().min(1).max(200_000) }).strict();
/** The facility register file read by the API (under the 1 MB JSON limit: ~9,000 sites, a province or several; the CLI takes a whole country). */
export const facilitiesImportBody = z.object({ csv: z.string().min(1).max(900_000) }).strict();

// Administrative units.
export const localityPageQuery = z.object({
  level: z.enum(ADMIN_LEVELS).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  // 10,599 communes nationwide; 500 per page keeps a response under ~100 KB.
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

// Imports.
export const importKindParams = z.object({ kind: z.enum(['citizens', 'doses']) }).strict();
export const importIdParams = z.object({ id: z.uuid('an import id') }).strict();
export const importFormatQuery = z.object({ format: z.enum(['csv', 'ndjson']).optional() });

// Worklists and corrections.
export const worklistQuery = z.object({
  outcome: z.enum(ACTION_OUTCOMES).optional(),
  after: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const worklistExportQuery = worklistQuery.pick({ outcome: true });
export const settingsBody = z.object({ signOffRequired: z.boolean() }).strict();
/** `undoable=1` (with status=applied): only the police's approvals whose record has not been verified again (they can still be undone). */
export const correctionListQuery = z.object({ status: z.enum(CORRECTION_STATUSES).optional(), limit: z.coerce.number().int().min(1).max(1000).default(200), undoable: z.literal('1').optional() });
/** No officer and no sign-off in the body: who submits is the token's identity, and the police sign off as their own step. */
export const correctionBody = z.object({
  recordId,
  baseVersion: z.number().int().min(0),
  decision: z.enum(DECISIONS),
  values: z.object(Object.fromEntries(CORRECTABLE_FIELDS.map((f) => [f, z.string().max(120).optional()]))).strict().optional(),
  explanation: z.string().max(2000).optional(),
}).strict();
export const correctionParams = z.object({ id: objectId('a correction') }).strict();
export const signOffBody = z.object({ decision: z.enum(SIGN_OFF_DECISIONS) }).strict();
export const recordParams = z.object({ recordId }).strict();
/** A record moved to another commune: the version the caller saw (409 when stale) and why (audited). */
export const transferBody = z.object({
  communeCode: z.string().regex(/^\d{5}$/, 'mã xã/phường 5 chữ số — a 5-digit commune code'),
  version: z.number().int().min(0).max(1_000_000),
  reason: z.string().trim().min(3, 'nêu lý do (ít nhất 3 ký tự) — say why (at least 3 characters)').max(500),
}).strict();

// Eligibility.
export const citizenParams = z.object({ personalId: z.string().trim().min(1).max(40) }).strict();
export const eligibilityQuery = z.union([
  z.object({ passport: z.string().trim().min(1).max(40), nationality: z.string().trim().max(40).optional() }).strict(),
  z.object({ kind: z.enum(['citizen', 'passport']), number: z.string().trim().min(1).max(40), nationality: z.string().trim().max(40).optional() }).strict(),
]);

// Dose reports.
export const doseReportBody = z.object({
  facilityId: z.string().trim().regex(/^[\w.-]{1,64}$/, 'letters, digits, _ . - (1–64)'),
  communeCode: z.string().regex(/^\d{5}$/, 'a 5-digit commune code'),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD'),
  administered: z.number().int().min(0).max(1_000_000),
  reportedBy: z.string().trim().max(100).optional(),
}).strict();

// Access log.
export const accessLogQuery = z.object({
  sub: z.string().trim().min(1).max(200).optional(),
  locality: localityCode.optional(),
  kind: z.enum(ACCESS_KINDS).optional(),
  from: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  to: z.iso.datetime({ offset: true }).transform((s) => new Date(s)).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const loginQuery = z.object({ returnTo: z.string().max(2000).optional() });

/** POST /api/localities/:code/correction-rounds: why a coordinator re-verifies the commune's worklist. */
export const communeParams = z.object({ code: z.string().regex(/^\d{5}$/, 'a 5-digit commune code') }).strict();
export const correctionRoundBody = z.object({ reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(500) }).strict();
