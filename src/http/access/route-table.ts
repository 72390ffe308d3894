import type { ZodType } from 'zod';
import { ROLES, type Role } from '../../auth/principal.js';
import * as S from './request-schemas.js';

/**
 * Every route the app serves: method, path, who may call it and where its locality scope comes
 * from. The authorize middleware enforces it before any router runs, and a route missing here
 * answers 404 (401 anonymous): adding a route means adding its row. test/integration/
 * access-table.test.ts walks this table with every role and a wrong-scope user.
 */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | '*';

export type ScopeSource =
  /** No locality-bound personal data (administrative units, aggregates, the caller's own identity). */
  | { from: 'none' }
  /** National data: only national roles (ministry, campaign_admin, operator, passport_checker). */
  | { from: 'national' }
  /** A locality code in a path parameter. */
  | { from: 'param'; name: string }
  /** A locality code in the query string; scoped roles must give one inside their area. */
  | { from: 'query'; name: string }
  /** A locality code, or an array of them, in a body field. */
  | { from: 'body'; field: string }
  /**
   * The locality of a round, dose record, correction or escalation named by a (parsed) path
   * parameter or body field. The thing is loaded by authorize; missing or outside the caller's
   * area both answer the same 404, and the handler gets the loaded thing in `req.scope`.
   */
  | { from: 'round' | 'record' | 'correction' | 'escalation'; param?: string; field?: string };

export interface RouteRule {
  method: Method;
  /** Express-style path: `:name` matches one segment, a trailing `/*` any rest. */
  path: string;
  roles: readonly Role[] | 'public' | 'authenticated';
  scope: ScopeSource;
  /**
   * The schemas its params, query and body are parsed with, once, before the scope is resolved
   * (src/http/access/request-schemas.ts). A part without a schema is not handed to the handler.
   */
  request?: RequestSchemas;
  /**
   * A second locality the caller's area must hold as well, in a body field (a transfer's
   * destination): checked like a body scope (403 outside the area, unknown codes included).
   */
  alsoBody?: string;
  /** What success looks like (the access-table test checks it). */
  success?: number;
}

export interface RequestSchemas { params?: ZodType; query?: ZodType; body?: ZodType }

const ALL = ROLES;
const COORDINATORS: Role[] = ['campaign_admin', 'province_coordinator', 'district_coordinator'];
/** Who reads the records of a locality: national readers, coordinators of the subtree, the commune's health station. */
const RECORD_READERS: Role[] = ['ministry', ...COORDINATORS, 'commune_health'];
const CAMPAIGN_VIEWERS: Role[] = ['ministry', ...COORDINATORS, 'operator'];
/** The dashboard's pages: campaign viewers, and the commune officers' worklist page (data is scoped by the API). */
const DASHBOARD_USERS: Role[] = [...CAMPAIGN_VIEWERS, 'commune_health', 'commune_police'];
const ELIGIBILITY: Role[] = ['passport_checker', 'ministry', 'campaign_admin'];
/** The dashboard's page shell (no data in it): every role, the passport checker's look-up screen included. */
const DASHBOARD_PAGES: Role[] = [...DASHBOARD_USERS, 'passport_checker'];
const NONE = { from: 'none' } as const;
const NATIONAL = { from: 'national' } as const;
const CODE = { from: 'param', name: 'code' } as const;

export const ROUTE_TABLE: readonly RouteRule[] = [
  // Process and sign-in. /healthz is the only route open to anyone; the sign-in steps must be.
  { method: 'GET', path: '/healthz', roles: 'public', scope: NONE },
  { method: 'GET', path: '/auth/login', roles: 'public', scope: NONE, success: 303, request: { query: S.loginQuery } },
  { method: 'GET', path: '/auth/callback', roles: 'public', scope: NONE },
  { method: 'POST', path: '/auth/logout', roles: 'authenticated', scope: NONE },
  { method: 'GET', path: '/api/me', roles: 'authenticated', scope: NONE },
  { method: 'GET', path: '/readyz', roles: ['operator'], scope: NATIONAL },
  { method: 'GET', path: '/metrics', roles: ['operator'], scope: NATIONAL },
  // Dashboard pages (issue 11 owns their content).
  { method: 'GET', path: '/', roles: DASHBOARD_PAGES, scope: NONE, success: 302 },
  { method: 'GET', path: '/dashboard', roles: DASHBOARD_PAGES, scope: NONE },
  { method: 'GET', path: '/dashboard/*', roles: DASHBOARD_PAGES, scope: NONE },
  // Dashboard figures: a unit's progress rollup and its children's (VN = the nation: national roles only).
  { method: 'GET', path: '/api/dashboard/progress/:code', roles: DASHBOARD_USERS, scope: CODE, request: { params: S.dashboardParams, query: S.dashboardQuery } },
  // The population register's state (issue 26): who follows the campaign sees whether it is up.
  { method: 'GET', path: '/api/register', roles: DASHBOARD_USERS, scope: NONE },
  // Bull Board: operators only. Its queues hold every province's jobs and its page shows Redis
  // internals; it cannot be narrowed to one province, so coordinators use the dashboard instead.
  { method: 'GET', path: '/admin/queues', roles: ['operator'], scope: NATIONAL },
  { method: '*', path: '/admin/queues/*', roles: ['operator'], scope: NATIONAL },
  // Rounds and deadlines.
  { method: 'POST', path: '/api/rounds', roles: COORDINATORS, scope: { from: 'body', field: 'localities' }, success: 201, request: { body: S.createRoundsBody } },
  { method: 'GET', path: '/api/rounds', roles: [...RECORD_READERS, 'operator'], scope: { from: 'query', name: 'locality' }, request: { query: S.listRoundsQuery } },
  { method: 'GET', path: '/api/rounds/:id', roles: [...RECORD_READERS, 'operator'], scope: { from: 'round', param: 'id' }, request: { params: S.roundParams } },
  { method: 'PATCH', path: '/api/rounds/:id/deadline', roles: COORDINATORS, scope: { from: 'round', param: 'id' }, request: { params: S.roundParams, body: S.deadlineBody } },
  // The nation's, a province's and a district's own deadline, from their pages (who may set which level: level-deadline.service).
  { method: 'GET', path: '/api/deadlines/:code', roles: CAMPAIGN_VIEWERS, scope: CODE, request: { params: S.levelParams } },
  { method: 'PUT', path: '/api/deadlines/:code', roles: COORDINATORS, scope: CODE, request: { params: S.levelParams, body: S.deadlineBody } },
  { method: 'POST', path: '/api/rounds/:id/retry', roles: ['operator', ...COORDINATORS], scope: { from: 'round', param: 'id' }, request: { params: S.roundParams } },
  // A district's coordinator reads the escalations of their district (?locality=271), a province's of their province.
  // A commune's people read their own commune's (?locality=09619): what was escalated about them and to whom.
  { method: 'GET', path: '/api/escalations', roles: ['ministry', 'campaign_admin', 'province_coordinator', 'district_coordinator', 'operator', 'commune_health', 'commune_police'], scope: { from: 'query', name: 'locality' }, request: { query: S.escalationQuery } },
  // Who may acknowledge which level is the service's rule (escalations.service mayAcknowledge); the table lets every level's role in.
  { method: 'POST', path: '/api/escalations/:id/ack', roles: ['ministry', ...COORDINATORS, 'commune_health'], scope: { from: 'escalation', param: 'id' }, request: { params: S.escalationParams, body: S.ackBody } },
  { method: 'GET', path: '/api/campaign/overview', roles: CAMPAIGN_VIEWERS, scope: NONE },
  { method: 'GET', path: '/api/campaign', roles: CAMPAIGN_VIEWERS, scope: NONE },
  { method: 'PUT', path: '/api/campaign', roles: ['campaign_admin'], scope: NATIONAL, request: { body: S.campaignBody } },
  { method: 'GET', path: '/api/contacts', roles: ['ministry', 'campaign_admin', 'operator'], scope: NATIONAL, request: { query: S.contactQuery } },
  { method: 'PUT', path: '/api/contacts', roles: ['campaign_admin'], scope: NATIONAL, request: { body: S.contactsBody } },
  // One locality's contacts, from its page: read by its viewers, edited and imported by its coordinators.
  { method: 'GET', path: '/api/localities/:code/contacts', roles: CAMPAIGN_VIEWERS, scope: CODE, request: { params: S.codeParams } },
  { method: 'PUT', path: '/api/localities/:code/contacts', roles: COORDINATORS, scope: CODE, request: { params: S.codeParams, body: S.localityContactsBody } },
  { method: 'POST', path: '/api/localities/:code/contacts/import', roles: COORDINATORS, scope: CODE, request: { params: S.codeParams, body: S.localityContactsImportBody } },
  // The facility register: a commune's sites with their counts (no personal data) for its viewers and officers; imported nationally.
  { method: 'GET', path: '/api/localities/:code/facilities', roles: DASHBOARD_USERS, scope: CODE, request: { params: S.codeParams } },
  { method: 'POST', path: '/api/facilities/import', roles: ['campaign_admin'], scope: NATIONAL, request: { body: S.facilitiesImportBody } },
  // Administrative units: public reference data, for every signed-in role.
  { method: 'GET', path: '/api/localities', roles: ALL, scope: NONE, request: { query: S.localityPageQuery } },
  { method: 'GET', path: '/api/localities/:code', roles: ALL, scope: NONE, request: { params: S.codeParams } },
  { method: 'GET', path: '/api/localities/:code/children', roles: ALL, scope: NONE, request: { params: S.codeParams, query: S.localityPageQuery } },
  // Imports of the registry mirror and dose records: national.
  { method: 'POST', path: '/api/imports/:kind', roles: ['campaign_admin', 'operator'], scope: NATIONAL, success: 202, request: { params: S.importKindParams, query: S.importFormatQuery } },
  { method: 'GET', path: '/api/imports/:id', roles: ['campaign_admin', 'operator'], scope: NATIONAL, request: { params: S.importIdParams } },
  // Worklists and corrections: the commune submits, its police sign off, coordinators watch.
  { method: 'GET', path: '/api/localities/:code/worklist', roles: RECORD_READERS, scope: CODE, request: { params: S.codeParams, query: S.worklistQuery } },
  { method: 'GET', path: '/api/localities/:code/worklist.csv', roles: RECORD_READERS, scope: CODE, request: { params: S.codeParams, query: S.worklistExportQuery } },
  { method: 'GET', path: '/api/localities/:code/worklist.xlsx', roles: RECORD_READERS, scope: CODE, request: { params: S.codeParams, query: S.worklistExportQuery } },
  { method: 'POST', path: '/api/localities/:code/corrections/upload', roles: ['commune_health'], scope: CODE, request: { params: S.codeParams } },
  { method: 'GET', path: '/api/localities/:code/corrections', roles: [...RECORD_READERS, 'commune_police'], scope: CODE, request: { params: S.codeParams, query: S.correctionListQuery } },
  { method: 'GET', path: '/api/localities/:code/corrections/sign-off.csv', roles: ['commune_police', 'commune_health'], scope: CODE, request: { params: S.codeParams } },
  { method: 'POST', path: '/api/localities/:code/corrections/sign-off/upload', roles: ['commune_police'], scope: CODE, request: { params: S.codeParams } },
  { method: 'GET', path: '/api/localities/:code/correction-settings', roles: [...RECORD_READERS, 'commune_police'], scope: CODE, request: { params: S.codeParams } },
  { method: 'PUT', path: '/api/localities/:code/correction-settings', roles: COORDINATORS, scope: CODE, request: { params: S.codeParams, body: S.settingsBody } },
  { method: 'POST', path: '/api/localities/:code/correction-rounds', roles: COORDINATORS, scope: CODE, success: 201, request: { params: S.communeParams, body: S.correctionRoundBody } },
  { method: 'POST', path: '/api/corrections', roles: ['commune_health'], scope: { from: 'record', field: 'recordId' }, success: 201, request: { body: S.correctionBody } },
  { method: 'POST', path: '/api/corrections/:id/sign-off', roles: ['commune_police'], scope: { from: 'correction', param: 'id' }, request: { params: S.correctionParams, body: S.signOffBody } },
  { method: 'POST', path: '/api/corrections/:id/sign-off/undo', roles: ['commune_police'], scope: { from: 'correction', param: 'id' }, request: { params: S.correctionParams } },
  // A record moved to another commune (imports never move one): by a coordinator whose area holds
  // both communes, or the campaign admin. Not the operator: who runs imports does not decide
  // where a person's record belongs. The record scopes the source, `communeCode` the destination.
  { method: 'POST', path: '/api/records/:recordId/transfer', roles: COORDINATORS, scope: { from: 'record', param: 'recordId' }, alsoBody: 'communeCode', request: { params: S.recordParams, body: S.transferBody } },
  { method: 'GET', path: '/api/records/:recordId/history', roles: [...RECORD_READERS, 'commune_police'], scope: { from: 'record', param: 'recordId' }, request: { params: S.recordParams } },
  // Passport eligibility: the checkers' answers (rate-limited per identity, access-logged).
  { method: 'GET', path: '/api/citizens/:personalId/passport-eligibility', roles: ELIGIBILITY, scope: NONE, request: { params: S.citizenParams } },
  { method: 'GET', path: '/api/passport-eligibility', roles: ELIGIBILITY, scope: NONE, request: { query: S.eligibilityQuery } },
  // Dose reports and backlog.
  { method: 'POST', path: '/api/dose-reports', roles: ['commune_health', 'campaign_admin'], scope: { from: 'body', field: 'communeCode' }, request: { body: S.doseReportBody } },
  { method: 'POST', path: '/api/dose-reports/upload', roles: ['campaign_admin', 'operator'], scope: NATIONAL },
  { method: 'GET', path: '/api/localities/:code/backlog', roles: RECORD_READERS, scope: CODE, request: { params: S.codeParams } },
  // Who read which personal data.
  { method: 'GET', path: '/api/access-log', roles: ['ministry', 'campaign_admin'], scope: NATIONAL, request: { query: S.accessLogQuery } },
];

export interface RouteMatch { rule: RouteRule; params: Record<string, string> }

/** The first rule whose method and path match (HEAD as GET); `*` methods come after specific ones. */
export function matchRoute(table: readonly RouteRule[], method: string, path: string): RouteMatch | null {
  const m = method === 'HEAD' ? 'GET' : method;
  const segs = path.replace(/\/+$/, '').split('/');
  for (const rule of table) {
    if (rule.method !== '*' && rule.method !== m) continue;
    const params = matchPath(rule.path, segs);
    if (params) return { rule, params };
  }
  return null;
}

function matchPath(pattern: string, segs: string[]): Record<string, string> | null {
  const pat = pattern.replace(/\/+$/, '').split('/');
  const rest = pat[pat.length - 1] === '*';
  if (rest ? segs.length < pat.length : segs.length !== pat.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pat.length; i++) {
    const p = pat[i]!;
    if (p === '*' && i === pat.length - 1) return params;
    let s: string;
    try { s = decodeURIComponent(segs[i]!); } catch { return null; }
    if (p.startsWith(':')) {
      if (!s) return null;
      params[p.slice(1)] = s;
    } else if (p !== s) return null;
  }
  return params;
}
