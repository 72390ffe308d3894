import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createInternalApp } from '../../src/http/internal-app.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/auth/principal.js';
import { createLogger } from '../../src/lib/logger.js';
import { ROUTE_TABLE, type RouteRule } from '../../src/http/access/route-table.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { startAppWithAuth, type AppWithAuth, type Reply } from '../helpers/app-with-auth.js';
import { seedDocuments, seedLocalities } from '../helpers/fixtures.js';

/**
 * Walks the route table: every row, as anonymous, as one in-scope user per role (the target is
 * commune 00001 › district 001 › province 01) and as wrong-scope users of every scoped role.
 * Anonymous → 401 (but the public rows); a role the row does not name → 403; outside the
 * user's area → 403 (a round, record, correction or escalation of another area → 404, the same
 * answer as a missing one); otherwise the route's success status.
 */
const IN_SCOPE: Record<Role, string> = {
  ministry: 'ministry', campaign_admin: 'admin', province_coordinator: 'prov-01', district_coordinator: 'coord-001',
  commune_health: 'health-00001', commune_police: 'police-00001', operator: 'operator', passport_checker: 'checker',
};
const WRONG_SCOPE: Partial<Record<Role, string>> = {
  province_coordinator: 'prov-79', district_coordinator: 'coord-002', commune_health: 'health-00004', commune_police: 'police-00004',
};

const C = '00001';
const ROUND = `verification-${C}-1`;
const RECORD = 'WALK-00001-000001';
/** The transfer row's own record: moving RECORD would change what the other rows see. */
const MOVED = 'WALK-00001-000002';
const CSV = { 'content-type': 'text/csv' };
const JSON_H = { 'content-type': 'application/json' };

interface Sample { path: string; method?: string; headers?: Record<string, string>; body?: string; success: number[] }

const DISTRICT_DEADLINE = new Date(Date.now() + 30 * 86_400_000).toISOString();
let ctx: TestContext;
let app: AppWithAuth;
let correctionId = '';
let escalationId = '';
let importId = randomUUID();

/** One request per row: what a caller allowed there sends, and what success looks like. */
function sample(rule: RouteRule): Sample {
  const json = (method: string, path: string, body: unknown, success = [200]) => ({ method, path, headers: JSON_H, body: JSON.stringify(body), success });
  const key = `${rule.method} ${rule.path}`;
  const samples: Record<string, () => Sample> = {
    'GET /healthz': () => ({ path: '/healthz', success: [200] }),
    'GET /auth/login': () => ({ path: '/auth/login?returnTo=/dashboard', success: [303] }),
    // Public by necessity; without a sign-in in progress it says so.
    'GET /auth/callback': () => ({ path: '/auth/callback?code=x&state=y', success: [400] }),
    'POST /auth/logout': () => ({ method: 'POST', path: '/auth/logout', success: [200] }),
    'GET /api/me': () => ({ path: '/api/me', success: [200] }),
    'GET /readyz': () => ({ path: '/readyz', success: [200] }),
    'GET /metrics': () => ({ path: '/metrics', success: [200] }),
    'GET /': () => ({ path: '/', success: [302] }),
    'GET /dashboard': () => ({ path: '/dashboard', success: [200] }),
    'GET /dashboard/*': () => ({ path: '/dashboard/l/01', success: [200] }),
    // Issue 11: the progress rollup of the commune; 404 until the rollup job has written it (no job runs here).
    'GET /api/dashboard/progress/:code': () => ({ path: `/api/dashboard/progress/${C}`, success: [200, 404] }),
    // Issue 26: the population register's state as the deployment sees it (mirror mode here: no register called).
    'GET /api/register': () => ({ path: '/api/register', success: [200] }),
    'GET /admin/queues': () => ({ path: '/admin/queues', success: [200] }),
    'GET /admin/queues/*': () => ({ path: '/admin/queues/api/queues', success: [200] }),
    '* /admin/queues/*': () => ({ method: 'PUT', path: '/admin/queues/api/queues/import/pause', success: [200, 204] }),
    'POST /api/rounds': () => json('POST', '/api/rounds', { localities: [C] }, [200, 201]),
    'GET /api/rounds': () => ({ path: `/api/rounds?locality=${C}`, success: [200] }),
    'GET /api/rounds/:id': () => ({ path: `/api/rounds/${ROUND}`, success: [200] }),
    'GET /api/deadlines/:code': () => ({ path: '/api/deadlines/001', success: [200] }),
    // The district's own deadline (issue 28): a fixed moment a month ahead, after the round's, so every allowed role may set it again.
    'PUT /api/deadlines/:code': () => json('PUT', '/api/deadlines/001', { deadline: DISTRICT_DEADLINE, reason: 'route table walk' }),
    'PATCH /api/rounds/:id/deadline': () => json('PATCH', `/api/rounds/${ROUND}/deadline`, { extendByHours: 1, reason: 'route table walk' }),
    // The sample round is not failed, so a caller the table lets through reaches the handler's 409.
    'POST /api/rounds/:id/retry': () => json('POST', `/api/rounds/${ROUND}/retry`, {}, [409]),
    // A district (inside the province coordinator's province too); ?province=01 still works for a province.
    'GET /api/escalations': () => ({ path: `/api/escalations?locality=${C}`, success: [200] }),
    // One escalation for every caller: the first acknowledges it, later ones by others get 409, and
    // roles of another level get 403 (issue 29). security-round-two.test.ts pins each answer by level.
    'POST /api/escalations/:id/ack': () => json('POST', `/api/escalations/${escalationId}/ack`, { by: 'district-001-chair' }, [200, 403, 409]),
    'GET /api/campaign/overview': () => ({ path: '/api/campaign/overview', success: [200] }),
    'GET /api/campaign': () => ({ path: '/api/campaign', success: [200] }),
    'PUT /api/campaign': () => json('PUT', '/api/campaign', { roundDeadlineMs: 72 * 3_600_000 }),
    'GET /api/contacts': () => ({ path: '/api/contacts', success: [200] }),
    'PUT /api/contacts': () => json('PUT', '/api/contacts', { contacts: [{ localityCode: '001', level: 'district', role: 'focal-point', name: 'Focal point' }] }),
    'GET /api/localities/:code/contacts': () => ({ path: `/api/localities/${C}/contacts`, success: [200] }),
    'PUT /api/localities/:code/contacts': () => json('PUT', `/api/localities/${C}/contacts`, { contacts: [{ localityCode: C, level: 'commune', role: 'chairperson', name: 'Nguyễn Văn An', title: 'Chủ tịch UBND xã', phone: '0912 345 678' }] }),
    'POST /api/localities/:code/contacts/import': () => json('POST', `/api/localities/${C}/contacts/import`, { csv: `localityCode,level,role,name,title\n${C},commune,focal-point,Trần Thị Bình,Tổ trưởng Tổ công tác Đề án 06` }),
    'GET /api/localities/:code/facilities': () => ({ path: `/api/localities/${C}/facilities`, success: [200] }),
    'POST /api/facilities/import': () => json('POST', '/api/facilities/import', { csv: `Mã cơ sở,Tên cơ sở,Mã xã\nF${C}-1,Trạm Y tế phường Phúc Xá,${C}` }),
    'GET /api/localities': () => ({ path: '/api/localities', success: [200] }),
    'GET /api/localities/:code': () => ({ path: `/api/localities/${C}`, success: [200] }),
    'GET /api/localities/:code/children': () => ({ path: '/api/localities/001/children', success: [200] }),
    'POST /api/imports/:kind': () => ({ method: 'POST', path: '/api/imports/doses', headers: CSV, body: 'recordId,fullName,dateOfBirth,gender,idNumber,nationality,communeCode\n', success: [202] }),
    'GET /api/imports/:id': () => ({ path: `/api/imports/${importId}`, success: [200] }),
    'GET /api/localities/:code/worklist': () => ({ path: `/api/localities/${C}/worklist`, success: [200] }),
    'GET /api/localities/:code/worklist.csv': () => ({ path: `/api/localities/${C}/worklist.csv`, success: [200] }),
    'GET /api/localities/:code/worklist.xlsx': () => ({ path: `/api/localities/${C}/worklist.xlsx`, success: [200] }),
    'POST /api/localities/:code/corrections/upload': () => ({ method: 'POST', path: `/api/localities/${C}/corrections/upload`, headers: CSV, body: 'recordId,baseVersion,decision\n', success: [200] }),
    'GET /api/localities/:code/corrections': () => ({ path: `/api/localities/${C}/corrections`, success: [200] }),
    'GET /api/localities/:code/corrections/sign-off.csv': () => ({ path: `/api/localities/${C}/corrections/sign-off.csv`, success: [200] }),
    'POST /api/localities/:code/corrections/sign-off/upload': () => ({ method: 'POST', path: `/api/localities/${C}/corrections/sign-off/upload`, headers: CSV, body: 'correctionId,signOff\n', success: [200] }),
    'GET /api/localities/:code/correction-settings': () => ({ path: `/api/localities/${C}/correction-settings`, success: [200] }),
    'PUT /api/localities/:code/correction-settings': () => json('PUT', `/api/localities/${C}/correction-settings`, { signOffRequired: false }),
    // The sample commune may have nothing left to re-verify: a caller the table lets through reaches the handler (201 or 409).
    'POST /api/localities/:code/correction-rounds': () => json('POST', `/api/localities/${C}/correction-rounds`, { reason: 'route table walk' }, [201, 409]),
    'POST /api/corrections': () => json('POST', '/api/corrections', { recordId: RECORD, baseVersion: 0, decision: 'explain', explanation: 'walk: record entered twice' }, [200, 201]),
    'POST /api/corrections/:id/sign-off': () => json('POST', `/api/corrections/${correctionId}/sign-off`, { decision: 'refuse' }),
    // The walk's correction was refused by the row above: undone (200); run alone it still waits for the police (409 names why).
    'POST /api/corrections/:id/sign-off/undo': () => ({ method: 'POST', path: `/api/corrections/${correctionId}/sign-off/undo`, success: [200, 409] }),
    'GET /api/records/:recordId/history': () => ({ path: `/api/records/${RECORD}/history`, success: [200] }),
    // The first caller the table lets through moves it to 00004 (version 0 → 1); later ones send the
    // stale version 0 and get 409. security-round-two.test.ts pins each answer.
    'POST /api/records/:recordId/transfer': () => json('POST', `/api/records/${MOVED}/transfer`, { communeCode: '00004', version: 0, reason: 'route table walk' }, [200, 409]),
    'GET /api/citizens/:personalId/passport-eligibility': () => ({ path: '/api/citizens/001090123456/passport-eligibility', success: [200] }),
    'GET /api/passport-eligibility': () => ({ path: '/api/passport-eligibility?passport=B1234567', success: [200] }),
    'POST /api/dose-reports': () => json('POST', '/api/dose-reports', { facilityId: 'TYT-00001', communeCode: C, day: '2021-09-01', administered: 3 }),
    'POST /api/dose-reports/upload': () => ({ method: 'POST', path: '/api/dose-reports/upload', headers: CSV, body: `facilityId,communeCode,day,administered\r\nTYT-00001,${C},2021-09-02,4\r\n`, success: [200] }),
    'GET /api/localities/:code/backlog': () => ({ path: `/api/localities/${C}/backlog`, success: [200] }),
    'GET /api/access-log': () => ({ path: '/api/access-log', success: [200] }),
  };
  const make = samples[key];
  if (!make) throw new Error(`no sample request for the route table row "${key}": add one to this test`);
  return make();
}

async function call(login: string | null, s: Sample): Promise<Reply> {
  return app.as(login).request(s.path, { method: s.method ?? 'GET', headers: s.headers, body: s.body });
}

beforeAll(async () => {
  ctx = await createTestContext('access');
  await seedLocalities(ctx.db.store);
  await seedDocuments(ctx.db.store, 'Locality', [
    { code: '002', name: 'Quận Hoàn Kiếm', level: 'district', parentCode: '01', provinceCode: '01', districtCode: '002' },
    { code: '00037', name: 'Phường Phúc Tân', level: 'commune', parentCode: '002', provinceCode: '01', districtCode: '002' },
  ]);
  const now = new Date();
  await seedDocuments(ctx.db.store, 'Round', [{
    _id: ROUND, localityCode: C, kind: 'verification', seq: 1, status: 'awaiting_corrections', deadline: new Date(now.getTime() + 72 * 3_600_000),
    totalRecords: 1, processedRecords: 1, counters: { verified: 0, review: 1 }, transitions: [{ from: null, to: 'awaiting_corrections', at: now, cause: 'test' }],
  }]);
  await seedDocuments(ctx.db.store, 'DoseRecord', [
    { recordId: MOVED, communeCode: C, fullName: 'Trần Thị Bình', dateOfBirth: '1991-02-03', gender: 'female', idNumber: '001191123457', nationality: 'VN', version: 0 },
    { recordId: RECORD, communeCode: C, fullName: 'Nguyễn Văn An', dateOfBirth: '1990-01-02', gender: 'male', idNumber: '001090123456', nationality: 'VN', version: 0 },
  ]);
  const [esc] = await seedDocuments(ctx.db.store, 'Escalation', [{
    roundId: ROUND, level: 'district', localityCode: C, escalatedAt: now, deadline: now, overdueSince: now, notifiedAt: now,
    unresolved: { unprocessed: 0, byOutcome: { review: 1 }, backlog: 0, total: 1 },
  }]);
  escalationId = esc!;
  app = await startAppWithAuth(ctx, { env: { RATE_LIMIT_PER_MIN: '100000', ELIGIBILITY_RATE_PER_MIN: '100000' }, log: createLogger({ level: process.env.WALK_LOG ?? 'silent' }) });
  // A correction of another health officer awaiting the police (the sign-off row).
  const [c] = await seedDocuments(ctx.db.store, 'Correction', [{
    key: 'walk-key', recordId: RECORD, communeCode: C, decision: 'confirm', status: 'awaiting_signoff',
    changes: [{ field: 'fullName', oldValue: 'Nguyễn Văn An', newValue: 'Nguyễn Văn Ân' }], baseVersion: 0, newVersion: 1,
    officer: { name: 'Other officer', role: 'health_station', sub: 'health-00001-b' }, source: 'api',
  }]);
  correctionId = c!;
  const upload = await app.as('admin').request('/api/imports/doses', { method: 'POST', headers: CSV, body: 'recordId,fullName,dateOfBirth,gender,idNumber,nationality,communeCode\n' });
  importId = upload.body.importId;
}, 120_000); // the API with sign-in started cold, the seed, and a doses import posted through it

afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

describe('the route table, walked with every role', () => {
  it('has one row per method and path', () => {
    const keys = ROUTE_TABLE.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  for (const rule of ROUTE_TABLE) {
    it(`${rule.method} ${rule.path}`, async () => {
      const s = sample(rule);
      const outcomes: string[] = [];
      const expectStatus = (who: string, res: Reply, want: number[] | 'success') => {
        const ok = want === 'success' ? s.success.includes(res.status) : want.includes(res.status);
        if (!ok) outcomes.push(`${who}: got ${res.status} ${res.text.slice(0, 160)}, want ${want === 'success' ? s.success.join('/') : want.join('/')}`);
      };
      const anon = await call(null, s);
      if (rule.roles === 'public') {
        expectStatus('anonymous', anon, 'success');
        expect(outcomes).toEqual([]);
        return;
      }
      expectStatus('anonymous', anon, [401]);
      if (anon.status === 401) expect(anon.body.error.code).toBe('unauthenticated');
      for (const role of ROLES) {
        const allowed = rule.roles === 'authenticated' || rule.roles.includes(role);
        const res = await call(IN_SCOPE[role], s);
        expectStatus(`${role} (${IN_SCOPE[role]})`, res, allowed ? 'success' : [403]);
        if (!allowed && res.status === 403) expect(res.body.error.code).toBe('forbidden');
        const wrong = WRONG_SCOPE[role];
        if (!wrong) continue;
        const seesAll = rule.scope.from === 'none';
        const resource = ['round', 'record', 'correction', 'escalation'].includes(rule.scope.from);
        const w = await call(wrong, s);
        expectStatus(`${role} of another area (${wrong})`, w, allowed && seesAll ? 'success' : allowed && resource ? [404] : [403]);
      }
      expect(outcomes).toEqual([]);
    });
  }
});

describe('scope, beyond the walk', () => {
  it('a district coordinator never sees another district, a commune officer never another commune', async () => {
    expect((await app.as('coord-001').get('/api/localities/00037/worklist')).status).toBe(403);
    expect((await app.as('coord-001').get('/api/localities/002/worklist')).status).toBe(403);
    expect((await app.as('coord-001').get('/api/localities/01/worklist')).status).toBe(403); // the province is above them
    expect((await app.as('coord-001').get('/api/rounds')).status).toBe(403); // a list without a locality is national
    expect((await app.as('coord-002').get(`/api/rounds/${ROUND}`)).status).toBe(404); // as if it did not exist
    expect((await app.as('health-00001').get('/api/localities/001/worklist')).status).toBe(403);
    expect((await app.as('health-00004').get(`/api/records/${RECORD}/history`)).status).toBe(404);
    expect((await app.as('health-00004').post('/api/rounds', { localities: ['00004'] })).status).toBe(403); // a role, not just a place
    expect((await app.as('coord-002').post('/api/rounds', { localities: ['00037', C] })).status).toBe(403); // one code outside is enough
  });

  it('a route missing from the table answers 404 to a signed-in user and 401 to anyone else', async () => {
    expect((await app.as('admin').get('/api/not-in-the-table')).status).toBe(404);
    expect((await app.as(null).get('/api/not-in-the-table')).status).toBe(401);
  });

  it('security headers are set and CORS is closed by default', async () => {
    const res = await app.as(null).request('/healthz', { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await app.as(null).request('/api/me', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(pre.status).toBe(403);
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("Bull Board is the operator's: coordinators are refused (it shows every province's jobs and Redis internals)", async () => {
    const op = await app.as('operator').get('/admin/queues/api/queues');
    expect(op.status).toBe(200);
    expect(op.body.queues.every((q: any) => q.readOnlyMode === false)).toBe(true);
    for (const who of ['coord-001', 'prov-01', 'health-00001']) {
      expect((await app.as(who).get('/admin/queues/api/queues')).status).toBe(403);
      expect((await app.as(who).get('/admin/queues')).status).toBe(403);
      expect((await app.as(who).request('/admin/queues/api/queues/import/resume', { method: 'PUT' })).status).toBe(403);
    }
  });

  it('the internal listener serves /readyz and /metrics with details and nothing else', async () => {
    const server = createInternalApp({ queues: app.queues, redis: ctx.redis, db: ctx.db, stalledAfterMs: 60_000 }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${base}/readyz`)).json()).toMatchObject({ status: 'ready', checks: { redis: 'ok', mongo: 'ok' } });
      expect(await (await fetch(`${base}/metrics`)).text()).toContain('vaxverify_queue_jobs');
      expect((await fetch(`${base}/api/localities/${C}/worklist`)).status).toBe(404);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a JSON body over the limit is refused with 413 before any handler', async () => {
    const big = JSON.stringify({ contacts: [{ localityCode: '001', level: 'district', role: 'x', name: 'y'.repeat(2 * 1024 * 1024) }] });
    const res = await app.as('admin').request('/api/contacts', { method: 'PUT', headers: JSON_H, body: big });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
  });
});
