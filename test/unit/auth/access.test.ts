import { describe, expect, it } from 'vitest';
import { canSeeLocality, principalFromClaims, type Principal } from '../../../src/auth/principal.js';
import { safeReturnTo } from '../../../src/auth/login.router.js';
import { ROUTE_TABLE, matchRoute } from '../../../src/http/access/route-table.js';
import { neutraliseCell, unneutraliseCell } from '../../../src/lib/csv-safe.js';
import { redactValue, scrubText } from '../../../src/lib/redact.js';
import { webhookHostAllowed } from '../../../src/notify/webhook-hosts.js';

const tree: Record<string, string[]> = { '09619': ['271', '01'], '09625': ['271', '01'], '271': ['01'], '270': ['01'], '08974': ['270', '01'], '01': [] };
const hierarchy = (c: string) => tree[c] ?? [];
const p = (roles: Principal['roles'], localities: string[]): Principal => ({ sub: 'x', name: 'x', roles, localities, kind: 'user' });

describe('canSeeLocality', () => {
  it('a district coordinator sees the district and its communes, never another district or the province', () => {
    const bavi = p(['district_coordinator'], ['271']);
    expect(['271', '09619', '09625'].map((c) => canSeeLocality(bavi, c, hierarchy))).toEqual([true, true, true]);
    expect(['270', '08974', '01'].map((c) => canSeeLocality(bavi, c, hierarchy))).toEqual([false, false, false]);
  });
  it('a commune officer sees only the commune; national roles see all', () => {
    expect(canSeeLocality(p(['commune_health'], ['09619']), '09625', hierarchy)).toBe(false);
    expect(canSeeLocality(p(['commune_health'], ['09619']), '271', hierarchy)).toBe(false);
    expect(canSeeLocality(p(['ministry'], []), '08974', hierarchy)).toBe(true);
    expect(canSeeLocality(p([], ['01']), '09619', hierarchy)).toBe(false);
  });
});

describe('principalFromClaims', () => {
  it('takes roles and localities from the token, dropping unknown roles and malformed codes', () => {
    expect(principalFromClaims({ sub: 'u1', name: 'A', roles: ['district_coordinator', 'root'], localities: ['271', '1; DROP', '09619'] }))
      .toMatchObject({ sub: 'u1', name: 'A', roles: ['district_coordinator'], localities: ['271', '09619'], kind: 'user' });
  });
  it('reads Keycloak realm roles and marks client-credential tokens as services', () => {
    expect(principalFromClaims({ sub: 'svc', client_id: 'svc', realm_access: { roles: ['operator', 'offline_access'] } }))
      .toMatchObject({ roles: ['operator'], kind: 'service' });
  });
});

describe('matchRoute', () => {
  it('finds rows by method and path, parameters included, and nothing for unknown paths', () => {
    expect(matchRoute(ROUTE_TABLE, 'GET', '/api/localities/00001/worklist.csv')?.rule.path).toBe('/api/localities/:code/worklist.csv');
    expect(matchRoute(ROUTE_TABLE, 'GET', '/api/localities/00001/worklist.csv')?.params).toEqual({ code: '00001' });
    expect(matchRoute(ROUTE_TABLE, 'HEAD', '/api/rounds/r-1')?.rule.path).toBe('/api/rounds/:id');
    expect(matchRoute(ROUTE_TABLE, 'DELETE', '/admin/queues/api/queues/x/clean')?.rule.roles).toEqual(['operator']);
    expect(matchRoute(ROUTE_TABLE, 'GET', '/admin/queues/static/x.js')?.rule.roles).toEqual(['operator']);
    expect(matchRoute(ROUTE_TABLE, 'DELETE', '/api/rounds/r-1')).toBeNull();
    expect(matchRoute(ROUTE_TABLE, 'GET', '/api/rounds/r-1/extra/more')).toBeNull();
  });
});

describe('hardening helpers', () => {
  it('neutralises CSV cells that a spreadsheet would run as formulas, and reads them back', () => {
    expect(['=1+1', '+84', '-2', '@SUM(A1)', '\t=x', 'Nguyễn', '0012'].map(neutraliseCell)).toEqual(["'=1+1", "'+84", "'-2", "'@SUM(A1)", "'\t=x", 'Nguyễn', '0012']);
    // Issue 16: spreadsheets skip leading blanks before a formula, and read full-width signs as ASCII.
    expect([' =2+2', '  +1', '\u00a0=1', '\u3000@x', '\r\n=1', '\uff1d1+1', 'Nguyễn =x', ' plain'].map(neutraliseCell))
      .toEqual(["' =2+2", "'  +1", "'\u00a0=1", "'\u3000@x", "'\r\n=1", "'\uff1d1+1", 'Nguyễn =x', ' plain']);
    expect(unneutraliseCell("' =2+2")).toBe(' =2+2');
    expect(unneutraliseCell("'=1+1")).toBe('=1+1');
    expect(unneutraliseCell("'quoted")).toBe("'quoted");
  });
  it('allows webhooks only to listed hosts', () => {
    const hosts = ['hooks.example.org', '*.gov.vn'];
    expect(webhookHostAllowed('https://hooks.example.org/x', hosts)).toBe(true);
    expect(webhookHostAllowed('https://hn.gov.vn/hook', hosts)).toBe(true);
    expect(webhookHostAllowed('https://gov.vn.evil.com/hook', hosts)).toBe(false);
    expect(webhookHostAllowed('http://169.254.169.254/latest', hosts)).toBe(false);
    expect(webhookHostAllowed('https://user:pw@hooks.example.org/', hosts)).toBe(false);
    expect(webhookHostAllowed('ftp://hooks.example.org/', hosts)).toBe(false);
  });
  it('keeps returnTo on this site', () => {
    expect(safeReturnTo('/dashboard/x?y=1')).toBe('/dashboard/x?y=1');
    expect(['//evil.com', 'https://evil.com', '/\\evil.com', undefined].map(safeReturnTo)).toEqual(['/dashboard', '/dashboard', '/dashboard', '/dashboard']);
  });
});

describe('log redaction', () => {
  it('masks personal data at any depth, in errors and in free text', () => {
    const err = Object.assign(new Error('dup key: { personalId: "001090123456" } born 1990-01-02'), { details: { record: { fullName: 'Nguyễn Văn An' } } });
    const out = JSON.stringify(redactValue({ a: { b: { c: { idNumber: '001090123456', fullName: 'Nguyễn Văn An', dateOfBirth: '02/01/1990' } } }, err, changes: [{ field: 'fullName', oldValue: 'Lê Thị B', newValue: 'Lê Thị Bình' }] }));
    for (const leak of ['001090123456', 'Nguyễn Văn An', '02/01/1990', '1990-01-02', 'Lê Thị']) expect(out).not.toContain(leak);
    expect(out).toContain('0010******56');
    expect(out).toContain('"field":"fullName"');
    expect(scrubText('GET /api/citizens/001090123456/passport-eligibility at 2026-12-02T01:00:00Z')).toBe('GET /api/citizens/0010******56/passport-eligibility at 2026-12-02T01:00:00Z');
    expect(scrubText('time 1796174638642')).toBe('time 1796174638642');
  });
});
