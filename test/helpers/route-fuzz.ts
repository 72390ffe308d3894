import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { Worker } from 'bullmq';
import fc from 'fast-check';
import { mongo } from 'mongoose';
import type { ZodType } from 'zod';
import { canSeeLocality, isNational, principalFromClaims, type Principal } from '../../src/auth/principal.js';
import { ROUTE_TABLE, type RouteRule } from '../../src/http/access/route-table.js';
import { createLogger } from '../../src/lib/logger.js';
import { startAppWithAuth, type AppWithAuth, type Caller } from './app-with-auth.js';
import { createTestContext, type TestContext } from './context.js';

import { headerRow, xlsx } from './zip.js';
import { IMPORT_QUEUE, importJobId } from '../../queues/import.queue.js';
import { processImport } from '../../workers/import.processor.js';
import type { Citizen } from '../../src/domain/records.js';
import { grantsClaim, SEEDED_USERS, TEST_TREE_USERS } from '../../stand-ins/oidc/provider.js';
import { insertCitizens, seedDocuments } from './fixtures.js';
import { upsertLocalities } from '../../src/imports/localities.import.js';

/**
 * Property-based fuzzing of the route table (issue 16). Every run sends a batch of requests by
 * one caller: one row of the table in turn (so every row is hit every ROUTE_TABLE.length runs)
 * and random rows after it, with random path values, query strings and bodies — unicode
 * whitespace, confusables, case, percent-encodings, arrays where strings are expected, Mongo
 * operators, prototype keys, huge and deeply nested JSON — and ids and locality codes of the
 * caller's area and of other areas. After every request and every batch the invariants are
 * checked:
 *   - no 5xx;
 *   - no write outside the caller's area: the BSON of every document of another area (any
 *     collection with a communeCode or localityCode) is byte-for-byte unchanged by the batch;
 *   - no personal data (names, ID numbers) of another area in any response body;
 *   - an access-log row for every answer that carries personal data, and for every 2xx of the
 *     personal-data routes.
 * Seeded (fast-check's seed) and bounded (runs × batch). The vitest test runs a CI-sized slice;
 * `npm run fuzz -- --runs N [--seed S] [--json]` a longer one.
 */

/** The seeded tree: province 01 › district 001 › 00001, 00004; 01 › 002 › 00037; province 79 › 760 › 26734. */
const UNITS = [
  { code: '01', level: 'province', parentCode: null, provinceCode: '01', districtCode: null },
  { code: '001', level: 'district', parentCode: '01', provinceCode: '01', districtCode: '001' },
  { code: '002', level: 'district', parentCode: '01', provinceCode: '01', districtCode: '002' },
  { code: '79', level: 'province', parentCode: null, provinceCode: '79', districtCode: null },
  { code: '760', level: 'district', parentCode: '79', provinceCode: '79', districtCode: '760' },
  { code: '00001', level: 'commune', parentCode: '001', provinceCode: '01', districtCode: '001' },
  { code: '00004', level: 'commune', parentCode: '001', provinceCode: '01', districtCode: '001' },
  { code: '00037', level: 'commune', parentCode: '002', provinceCode: '01', districtCode: '002' },
  { code: '26734', level: 'commune', parentCode: '760', provinceCode: '79', districtCode: '760' },
] as const;
export const FUZZ_COMMUNES = ['00001', '00004', '00037', '26734'] as const;
const CHAIN: Record<string, string[]> = Object.fromEntries(UNITS.map((u) => [u.code, ([u.parentCode, u.districtCode, u.provinceCode] as (string | null)[]).filter((c): c is string => Boolean(c) && c !== u.code)]));
const hierarchy = (code: string) => CHAIN[code] ?? [];

/** Who sends: every role, in and out of the target area. */
export const FUZZ_CALLERS = [
  'ministry', 'admin', 'operator', 'checker',
  'prov-01', 'prov-79', 'coord-001', 'coord-002',
  'health-00001', 'police-00001', 'both-00001', 'health-00004', 'police-00004', 'mixed-00004-00001',
  null, // anonymous
] as const;

const RECORDS_PER_COMMUNE = 3;
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm'];

interface Seeded {
  /** Per commune: record ids, round id, correction id, escalation id, and the personal values of its residents. */
  communes: Record<string, { records: string[]; round: string; correction: string; escalation: string; personal: string[] }>;
  /** Each record's personal values (name, ID number, a correction's new name): they follow a transfer. */
  personalOf: Record<string, string[]>;
}

async function seed(ctx: TestContext): Promise<Seeded> {
  const store = ctx.db.store;
  await upsertLocalities(store, UNITS.map((u) => ({ ...u, name: `Đơn vị ${u.code}`, type: u.level })));
  const now = new Date();
  const out: Seeded = { communes: {}, personalOf: {} };
  for (const [ci, c] of FUZZ_COMMUNES.entries()) {
    const records: string[] = [];
    const personal: string[] = [];
    const citizens: Citizen[] = [];
    const doses: Record<string, unknown>[] = [];
    for (let i = 0; i < RECORDS_PER_COMMUNE; i++) {
      const recordId = `FZ${c}-${i}`;
      // Names and ID numbers unique to the commune: finding one in another area's answer is a leak.
      const fullName = `${FAMILY[i % FAMILY.length]} Thị Fuzz${c}x${i}`;
      const idNumber = `0011${String(90 + i).slice(-2)}${c}${ci}`.padEnd(12, '7').slice(0, 12);
      records.push(recordId);
      personal.push(fullName, idNumber);
      doses.push({ recordId, communeCode: c, fullName, dateOfBirth: `19${50 + i}-0${i + 1}-1${ci}`, gender: i % 2 ? 'female' : 'male', idNumber, nationality: 'VN', version: 0, facilityId: `TYT-${c}`, vaccinatedAt: '2021-09-01', vaccine: 'Comirnaty', doseNumber: 1 });
      citizens.push({ personalId: idNumber, fullName, dateOfBirth: `19${50 + i}-0${i + 1}-1${ci}`, gender: i % 2 ? 'female' : 'male', communeCode: c });
    }
    await seedDocuments(store, 'DoseRecord', doses);
    await insertCitizens(store, citizens);
    const round = `verification-${c}-1`;
    await seedDocuments(store, 'Round', [{
      _id: round, localityCode: c, kind: 'verification', seq: 1, status: 'awaiting_corrections', deadline: new Date(now.getTime() + 72 * 3_600_000),
      totalRecords: RECORDS_PER_COMMUNE, processedRecords: RECORDS_PER_COMMUNE, counters: { review: RECORDS_PER_COMMUNE }, transitions: [{ from: null, to: 'awaiting_corrections', at: now, cause: 'fuzz seed' }],
    }]);
    await seedDocuments(store, 'VerificationResult', records.map((recordId, i) => ({ _id: `${round}/${recordId}`, roundId: round, recordId, localityCode: c, outcome: i === 0 ? 'review' : 'corrected', score: 0.5, candidates: [], corrections: {} })));
    const [esc] = await seedDocuments(store, 'Escalation', [{ roundId: round, level: 'district', localityCode: c, escalatedAt: now, deadline: now, overdueSince: now, notifiedAt: now, unresolved: { unprocessed: 0, byOutcome: { review: 1 }, backlog: 0, total: 1 } }]);
    const [corr] = await seedDocuments(store, 'Correction', [{
      key: `fuzz-${c}`, recordId: records[1], communeCode: c, decision: 'confirm', status: 'awaiting_signoff',
      changes: [{ field: 'fullName', oldValue: personal[2], newValue: `${personal[2]} Mới` }], baseVersion: 0, newVersion: 1,
      officer: { name: 'Fuzz officer', role: 'health_station', sub: `fuzz-officer-${c}` }, source: 'api',
    }]);
    await seedDocuments(store, 'DoseReport', [{ communeCode: c, facilityId: `TYT-${c}`, day: '2021-09-01', administered: 10 + ci }]);
    out.communes[c] = { records, round, correction: corr!, escalation: esc!, personal: [...personal, `${personal[2]} Mới`] };
    for (const [i, recordId] of records.entries()) out.personalOf[recordId] = [personal[2 * i]!, personal[2 * i + 1]!, ...(i === 1 ? [`${personal[2]} Mới`] : [])];
  }
  return out;
}

// ---------------------------------------------------------------- generators

const WHITESPACE = [' ', '\u00a0', '\t', '\n', '\u200b', '\u2003', '\u3000', '\ufeff', '\u180e', '\r\n'];
const CONFUSABLE: Record<string, string> = { 0: '０', 1: '１', 4: '４', o: 'о', a: 'а', e: 'е', R: 'Ꭱ', F: 'Ϝ', Z: 'Ζ', '-': '‐' };
const OPERATORS = [{ $ne: null }, { $gt: '' }, { $regex: '.*' }, { $exists: true }, { $in: ['00001', '00004'] }, { $where: '1' }];

/** A value from the pool, mutated the ways a parser may disagree with another. */
const mutated = (pool: string[]) => fc.tuple(fc.constantFrom(...pool), fc.nat(11), fc.constantFrom(...WHITESPACE)).map(([v, how, ws]) => {
  switch (how) {
    case 0: case 8: return `${ws}${v}`;
    case 1: case 9: return `${v}${ws}`;
    case 2: return [...v].map((ch) => CONFUSABLE[ch] ?? ch).join('');
    case 3: return v.toLowerCase();
    case 4: return v.toUpperCase();
    case 5: return v.normalize('NFD');
    case 6: return `${v}\u0000`;
    default: return v;
  }
});

/** Any JSON value a client can send where the route expects something else. */
const hostile = (pool: string[]): fc.Arbitrary<unknown> => fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...pool) },
  { weight: 4, arbitrary: mutated(pool) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null, 0, -1, 1e308, '', '0', 'null', 'undefined', '[object Object]') },
  { weight: 2, arbitrary: fc.constantFrom(...OPERATORS) },
  { weight: 2, arbitrary: fc.array(fc.constantFrom(...pool), { minLength: 0, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant('x'.repeat(100_000)) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom('a', '$ne', '__proto__', 'constructor'), fc.constantFrom(...pool), { maxKeys: 2 }) },
);

/** Valid values of a zod field where the schema says them (enums, booleans, numbers); null otherwise. */
function schemaValues(schema: ZodType | undefined, key: string): unknown[] | null {
  const shape = (schema as unknown as { shape?: Record<string, unknown>; def?: { in?: ZodType } } | undefined)?.shape
    ?? (schema as unknown as { def?: { in?: { shape?: Record<string, unknown> } } } | undefined)?.def?.in?.shape;
  let f = shape?.[key] as { def: { type: string; innerType?: unknown }; options?: unknown[] } | undefined;
  while (f && (f.def.type === 'optional' || f.def.type === 'default' || f.def.type === 'nullable')) f = f.def.innerType as typeof f;
  if (!f) return null;
  if (f.def.type === 'enum' && f.options) return f.options;
  if (f.def.type === 'boolean') return [true, false];
  if (f.def.type === 'number' && key === 'baseVersion') return [0, 0, 1];
  return null;
}

/** Keys of a zod object (or of every option of a union). */
function keysOf(schema: ZodType | undefined): string[] {
  const s = schema as unknown as { shape?: Record<string, unknown>; options?: ZodType[]; def?: { in?: ZodType; schema?: ZodType } } | undefined;
  if (!s) return [];
  if (s.shape) return Object.keys(s.shape);
  if (s.options) return [...new Set(s.options.flatMap(keysOf))];
  if (s.def?.in) return keysOf(s.def.in);
  if (s.def?.schema) return keysOf(s.def.schema);
  return [];
}

interface Pools { codes: string[]; records: string[]; rounds: string[]; corrections: string[]; escalations: string[]; ids: string[]; any: string[] }

function pools(seeded: Seeded, importIds: string[]): Pools {
  const cs = Object.values(seeded.communes);
  const codes = [...UNITS.map((u) => u.code), '99999', 'VN', '1', ''];
  const records = [...cs.flatMap((c) => c.records), 'FZ99999-0'];
  const rounds = [...cs.map((c) => c.round), 'verification-99999-1'];
  const corrections = [...cs.map((c) => c.correction), '0123456789abcdef01234567'];
  const escalations = [...cs.map((c) => c.escalation), '0123456789abcdef01234567'];
  const ids = [...records, ...rounds, ...corrections, ...escalations, ...importIds, 'citizens', 'doses', '001090123456'];
  return { codes, records, rounds, corrections, escalations, ids, any: [...codes, ...ids, 'approve', 'refuse', 'confirm', 'explain', 'reject', 'review', 'true', '2021-09-01', '2030-01-01T00:00:00+07:00'] };
}

/** The pool a parameter or field name draws from. */
function poolFor(name: string, p: Pools, rule: RouteRule): string[] {
  if (/^(code|locality|localities|communeCode|province|localityCode)$/.test(name)) return p.codes;
  if (name === 'recordId') return p.records;
  if (name === 'roundId') return p.rounds;
  if (name === 'id') return rule.path.includes('/rounds/') ? p.rounds : rule.path.includes('/corrections/') ? p.corrections : rule.path.includes('/escalations/') ? p.escalations : p.ids;
  return p.any;
}

/** Values a field of that name takes when valid (or nearly so), so that requests get past the schema often. */
const FIELD_VALUES: Record<string, unknown[]> = {
  decision: ['confirm', 'explain', 'reject', 'approve', 'refuse'],
  baseVersion: [0, 1, -1],
  version: [0, 1, -1],
  explanation: ['fuzz: entered twice', ''],
  facilityId: ['TYT-00001', 'TYT-00004', 'TYT-00037', 'TYT-26734', 'TYT-NEW'],
  day: ['2021-09-01', '2021-09-02', '2099-01-01'],
  administered: [0, 5, 1_000_001],
  reportedBy: ['fuzz'],
  extendByHours: [1, -1, 0, 10_000],
  reason: ['fuzz: deadline moved', 'x'],
  deadline: ['2030-01-01T00:00:00+07:00', '2000-01-01T00:00:00Z', 'tomorrow'],
  signOffRequired: [true, false, 'true'],
  kind: ['verification', 'correction', 'citizen', 'passport'],
  seq: [1, 2, 0],
  by: ['office-001'],
  note: ['seen'],
  name: ['Campaign'],
  nationalDeadline: ['2030-01-01', null],
  roundDeadlineMs: [3_600_000, -1],
  contacts: [[{ localityCode: '00004', level: 'commune', role: 'focal', name: 'X' }]],
};

/**
 * A small XLSX whose key cells hold 1 MiB each (11 rows, ~12 KB deflated): before issue 29 each
 * rejected row echoed its ID up to three times (a 92 KB file answered 276 MB).
 */
const BIG_CELLS: Buffer = (() => {
  const big = 'A'.repeat(1024 * 1024);
  const rows = Array.from({ length: 11 }, (_, i) => `<row r="${i + 2}">${['A', 'B', 'C', 'D'].map((c) => `<c r="${c}${i + 2}" t="inlineStr"><is><t>${c === 'C' ? 'explain' : big}</t></is></c>`).join('')}</row>`).join('');
  return xlsx(headerRow(['recordId', 'correctionId', 'decision', 'signOff']) + rows);
})();

export interface FuzzRequest { login: string | null; method: string; path: string; headers: Record<string, string>; body?: string | Buffer; rule: RouteRule }

const enc = (v: string, how: number) => (how === 0 ? encodeURIComponent(v) : how === 1 ? encodeURIComponent(encodeURIComponent(v)) : encodeURIComponent(v).replace(/%20/g, '+'));

function requestFor(rule: RouteRule, p: Pools): fc.Arbitrary<Omit<FuzzRequest, 'login'>> {
  const params = [...rule.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  const method = rule.method === '*' ? fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH') : fc.constant(rule.method);
  const pathValue = (name: string) => fc.tuple(fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...poolFor(name, p, rule)) }, { weight: 3, arbitrary: mutated(poolFor(name, p, rule)) },
    { weight: 1, arbitrary: fc.constantFrom('..', '%2e%2e', '%00', '__proto__', 'constructor', '%E0%A4%A', '%', 'a/b', 'x'.repeat(3000)) }), fc.nat(2), fc.boolean())
    .map(([v, how, raw]) => (raw && /^%|^\.\.$/.test(v) ? v : enc(v, how)));
  const rest = fc.array(fc.constantFrom('api', 'queues', 'l', 'w', 'r', '01', '00004', 'FZ00004-0', '..', '%2e%2e', 'static', 'x'), { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));
  const path = fc.tuple(...params.map(pathValue), rest).map((vals) => {
    let i = 0;
    const rest = vals[vals.length - 1] as string;
    return rule.path.replace(/:(\w+)/g, () => vals[i++] as string).replace(/\*$/, rest);
  });
  const qKeys = keysOf(rule.request?.query);
  const query = fc.array(fc.tuple(fc.constantFrom(...(qKeys.length ? qKeys : ['q']), '__proto__', 'constructor[prototype][x]', 'locality[$ne]', 'limit'),
    fc.oneof(mutated(qKeys.length ? p.any : p.codes), fc.constantFrom('-1', '1e9', '0x10', 'NaN', '', '%00', '00001', '00004', '26734', 'true', 'overdue'))), { maxLength: 4 })
    .map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${enc(k, 0)}=${enc(v, 0)}`).join('&') + (pairs.length > 2 ? `&${enc(pairs[0]![0], 0)}=${enc(pairs[1]![1], 0)}` : '') : ''));
  const bKeys = keysOf(rule.request?.body);
  const raw = !rule.request?.body && /upload|imports|\/admin\//.test(rule.path);
  // A body is nearly valid (so it reaches the scope check and the handler) with at most one
  // hostile field and sometimes an extra key; a few are not objects at all.
  const valid = (k: string): fc.Arbitrary<unknown> => {
    if (k === 'localities') return fc.array(fc.oneof(fc.constantFrom(...p.codes), mutated(p.codes)), { minLength: 1, maxLength: 3 });
    if (k === 'values') return fc.record({ fullName: fc.constantFrom('Kẻ Tấn Công', 'Nguyễn Văn Mới'), idNumber: fc.constantFrom('001190000004', '001140000004'), dateOfBirth: fc.constantFrom('1940-03-04', '04/03/1941') }, { requiredKeys: [] });
    const typed = schemaValues(rule.request?.body, k) ?? FIELD_VALUES[k];
    if (typed) return fc.constantFrom(...typed);
    const pool = poolFor(k, p, rule);
    return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: mutated(pool) });
  };
  const keys = bKeys.length ? bKeys : ['x'];
  const jsonBody = fc.tuple(
    fc.tuple(...keys.map((k) => fc.option(valid(k), { freq: 10, nil: undefined }))),
    fc.nat(keys.length * 3 + 2), // a hostile field in about one body of three
    fc.constantFrom(...keys).chain((k) => hostile(poolFor(k, p, rule))),
    fc.option(fc.constantFrom('extra', '$where', 'officer', 'signOff', 'communeCode'), { freq: 4, nil: undefined }),
  ).map(([vals, bad, hostileValue, extra]) => {
    const obj: Record<string, unknown> = Object.fromEntries(vals.flatMap((v, i) => (v === undefined ? [] : [[keys[i]!, v]])));
    if (bad < keys.length) obj[keys[bad]!] = hostileValue;
    if (extra) obj[extra] = hostileValue;
    return obj;
  });
  const shaped = fc.tuple(
    jsonBody,
    fc.nat(40), // 7 in 41 bodies are not a plain object (prototype keys, deep nesting, too large, truncated, not an object)
  ).map(([obj, how]) => {
    const text = JSON.stringify(obj);
    switch (how) {
      case 0: return text.replace(/^\{/, '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},').replace(/,}$/, '}');
      case 1: return '['.repeat(20_000) + ']'.repeat(20_000);
      case 2: return `{"a":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
      case 3: return JSON.stringify({ ...obj, pad: 'y'.repeat(1_100_000) }); // over the 1 MB JSON limit
      case 4: return text.slice(0, Math.max(1, text.length - 1)); // truncated
      case 5: return '"just a string"';
      case 6: return 'null';
      default: return text;
    }
  });
  const csvBody = fc.array(fc.tuple(fc.constantFrom(...p.records, ...p.corrections), fc.constantFrom('0', '1', '-1', 'x'), fc.constantFrom('confirm', 'explain', 'approve', 'refuse', ' =2+2', '')), { maxLength: 4 })
    .map((rows) => `recordId,baseVersion,decision,correctionId,signOff,explanation,facilityId,communeCode,day,administered\n${rows.map(([a, b, c]) => `${a},${b},${c},${a},${c},fuzz,TYT-00004,00004,2021-09-02,${b}`).join('\n')}\n`);
  const body = raw ? fc.oneof(csvBody, fc.constant(''), fc.constant('PK\u0003\u0004garbage'), fc.constant(BIG_CELLS)) : rule.request?.body ? shaped : fc.constantFrom(undefined, '{}');
  return fc.tuple(method, path, query, body).map(([m, pth, q, b]) => ({
    method: m, path: pth + q, rule,
    headers: (b === undefined ? {} : { 'content-type': raw ? 'text/csv' : 'application/json' }) as Record<string, string>,
    body: m === 'GET' ? undefined : b,
  }));
}

/** The table's row of a method and path pattern (flows send to rows by name). */
function ruleOf(method: string, path: string): RouteRule {
  const rule = ROUTE_TABLE.find((r) => r.method === method && (r.path === path || new RegExp(`^${r.path.replace(/:\w+/g, '[^/]+')}$`).test(path)));
  if (!rule) throw new Error(`no route table row for ${method} ${path}`);
  return rule;
}

// ---------------------------------------------------------------- invariants

/** Routes whose 2xx answer is a read of personal data: each must leave an access-log row. */
const PERSONAL_READS = new Set([
  'GET /api/localities/:code/worklist', 'GET /api/localities/:code/worklist.csv', 'GET /api/localities/:code/worklist.xlsx',
  'GET /api/localities/:code/corrections', 'GET /api/localities/:code/corrections/sign-off.csv', 'GET /api/records/:recordId/history',
  'GET /api/citizens/:personalId/passport-eligibility', 'GET /api/passport-eligibility', 'POST /api/corrections',
]);

/** Exports: logged `started`, then `completed` or `aborted` (issue 29); the fuzzer also leaves some mid-stream. */
const EXPORTS = new Set(['GET /api/localities/:code/worklist.csv', 'GET /api/localities/:code/worklist.xlsx', 'GET /api/localities/:code/corrections/sign-off.csv']);

/** GET `path` with a bearer token and destroy the socket at the first body bytes; the status, or 599. */
function abortedDownload(url: string, token: string | null): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      const done = () => { req.destroy(); resolve(res.statusCode ?? 0); };
      res.once('data', done);
      res.once('end', done);
    });
    req.on('error', () => resolve(599));
    req.end();
  });
}

/** Collections whose documents belong to a locality, and the field that says which. */
const LOCALITY_FIELDS = ['communeCode', 'localityCode'];
const SKIP_COLLECTIONS = new Set(['access_log']);

interface Snap { loc: string; bson: Buffer }

/** Every document that belongs to a locality, as BSON bytes, with its locality. */
async function localitySnapshot(ctx: TestContext): Promise<Map<string, Snap>> {
  const db = ctx.db.connection.db!;
  const out = new Map<string, Snap>();
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    if (SKIP_COLLECTIONS.has(name)) continue;
    for (const doc of await db.collection(name).find({}).toArray()) {
      const loc = LOCALITY_FIELDS.map((f) => doc[f]).find((v) => typeof v === 'string') as string | undefined;
      if (loc !== undefined) out.set(`${name}/${String(doc._id)}`, { loc, bson: Buffer.from(mongo.BSON.serialize(doc)) });
    }
  }
  return out;
}

/** Documents created, changed or removed between two snapshots, with their locality. */
function diff(before: Map<string, Snap>, after: Map<string, Snap>): { key: string; loc: string; how: string }[] {
  const out: { key: string; loc: string; how: string }[] = [];
  for (const [k, v] of before) {
    const a = after.get(k);
    if (!a) out.push({ key: k, loc: v.loc, how: 'removed' });
    else if (!v.bson.equals(a.bson)) out.push({ key: k, loc: v.loc, how: 'changed' }, ...(a.loc !== v.loc ? [{ key: k, loc: a.loc, how: 'moved' }] : []));
  }
  for (const [k, a] of after) if (!before.has(k)) out.push({ key: k, loc: a.loc, how: 'created' });
  return out;
}

export interface FuzzStats {
  requests: number;
  runs: number;
  seed: number;
  serverErrors: number;
  outOfScopeWrites: number;
  foreignDataResponses: number;
  missingAccessLogs: number;
  /** Exports (completed or left mid-stream) with no settled access-log row. */
  unloggedExports: number;
  /** The largest answer per byte sent (request line, bearer token, body), over answers that respond to what was sent: every 4xx/5xx, every 2xx to a write. */
  maxResponseBytesPerRequestByte: number;
  /** Multi-step flows run (acknowledge twice, import then read, report a facility by two communes). */
  flows: number;
  prototypePolluted: boolean;
  rowsCovered: number;
  rows: number;
  byStatus: Record<string, number>;
  violations: string[];
}

export interface FuzzOptions { runs: number; seed?: number; batch?: number; log?: (line: string) => void }

/** Start an app of its own (own prefix, own database), seed it, fuzz it, close it. */
export async function runRouteFuzz(opts: FuzzOptions): Promise<FuzzStats> {
  const ctx = await createTestContext('fuzz');
  const uploadDir = await mkdtemp(join(tmpdir(), 'vv-fuzz-'));
  let app: AppWithAuth | undefined;
  let importWorker: Worker | undefined;
  try {
    const seeded = await seed(ctx);
    app = await startAppWithAuth(ctx, {
      env: { RATE_LIMIT_PER_MIN: '1000000', ELIGIBILITY_RATE_PER_MIN: '1000000', SIGN_IN_RATE_PER_MIN: '1000000', UPLOAD_DIR: uploadDir, WORKSHEET_MAX_BYTES: '1048576' },
      log: createLogger({ level: process.env.FUZZ_LOG ?? 'silent' }),
    });
    // Imports run (the import flow waits for its job), so their writes are checked like any other.
    importWorker = new Worker(IMPORT_QUEUE, (job) => processImport(job, { store: ctx.db.store, log: createLogger({ level: 'silent' }), uploadDir }), { connection: ctx.redis, prefix: ctx.prefix });
    return await fuzz(ctx, app, seeded, opts);
  } finally {
    await importWorker?.close();
    await app?.close();
    await ctx.close();
    await rm(uploadDir, { recursive: true, force: true });
  }
}

async function fuzz(ctx: TestContext, app: AppWithAuth, seeded: Seeded, opts: FuzzOptions): Promise<FuzzStats> {
  const users = { ...SEEDED_USERS, ...TEST_TREE_USERS };
  const principals = new Map<string, Principal>();
  // The claims the provider puts in the token (stand-ins/oidc/provider.ts).
  for (const login of FUZZ_CALLERS) if (login) principals.set(login, principalFromClaims({ sub: login, roles: users[login]!.roles, localities: users[login]!.localities, grants: grantsClaim(users[login]!) }));
  const callers = new Map<string | null, Caller>(FUZZ_CALLERS.map((l) => [l, app.as(l)]));
  const importIds = [randomUUID(), randomUUID()];
  const p = pools(seeded, importIds);
  const arbitraries = ROUTE_TABLE.map((rule) => requestFor(rule, p));
  const seed = opts.seed ?? Date.now() % 2 ** 31;
  const batch = opts.batch ?? 12;
  const stats: FuzzStats = { requests: 0, runs: 0, seed, serverErrors: 0, outOfScopeWrites: 0, foreignDataResponses: 0, missingAccessLogs: 0, unloggedExports: 0, maxResponseBytesPerRequestByte: 0, flows: 0, prototypePolluted: false, rowsCovered: 0, rows: ROUTE_TABLE.length, byStatus: {}, violations: [] };
  const covered = new Set<string>();
  const violation = (kind: keyof FuzzStats, what: string) => {
    (stats[kind] as number)++;
    if (stats.violations.length < 50) stats.violations.push(what);
    opts.log?.(`VIOLATION ${what}`);
  };
  let turn = 0;

  // Callers allowed on a row (where scope bugs live) four times as often as the others.
  const callerFor = ROUTE_TABLE.map((rule) => {
    const allowed = FUZZ_CALLERS.filter((login) => {
      const roles = login ? principals.get(login)!.roles : [];
      return rule.roles === 'public' || (login !== null && (rule.roles === 'authenticated' || (Array.isArray(rule.roles) && roles.some((r) => (rule.roles as string[]).includes(r)))));
    });
    return allowed.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...allowed) }, { weight: 1, arbitrary: fc.constantFrom(...FUZZ_CALLERS) }) : fc.constantFrom(...FUZZ_CALLERS);
  });
  const allPersonal = Object.values(seeded.communes).flatMap((c) => c.personal);
  let snapshot = await localitySnapshot(ctx);

  /** One request and every invariant after it; `leave`: an export is left mid-stream. `settle` runs before the write check. */
  const send = async (login: string | null, r: Omit<FuzzRequest, 'login'>, leave = false, settle?: (status: number, text: string) => Promise<void>) => {
    const principal = login ? principals.get(login)! : null;
    // National roles act everywhere; anyone else's area is what their grants see; anonymous: nowhere.
    const sees = (code: string) => (principal ? canSeeLocality(principal, code, hierarchy) : false);
    const national = principal ? isNational(principal) : false;
    // A value is foreign when no commune that holds it is in the caller's area (a transferred
    // record's values are held by both: the old commune entered them and keeps its corrections' history).
    const foreignValues = national ? [] : allPersonal.filter((v) => !FUZZ_COMMUNES.some((c) => sees(c) && seeded.communes[c]!.personal.includes(v)));
    const key = `${r.rule.method} ${r.rule.path}`;
    covered.add(key);
    const logsBefore = login ? await ctx.db.models.AccessLog.countDocuments({ sub: login }) : 0;
    const isExport = EXPORTS.has(key) && r.method === 'GET';
    const settledExport = { sub: login ?? '', route: key, status: { $in: ['completed', 'aborted'] as ('completed' | 'aborted')[] } };
    const exportsBefore = isExport && login ? await ctx.db.models.AccessLog.countDocuments(settledExport) : 0;
    let status: number;
    let text: string;
    let left = false;
    if (isExport && leave) {
      // Left mid-stream: the answer's body is not read; the access log must still say so.
      status = await abortedDownload(app.base + r.path, login ? await callers.get(login)!.token() : null);
      text = '';
      left = true;
    } else {
      try {
        const res = await callers.get(login)!.fetch(r.path, { method: r.method, headers: r.headers, body: r.body });
        status = res.status;
        text = Buffer.from(await res.arrayBuffer()).toString('utf8');
      } catch (err) {
        status = 599;
        text = String(err);
      }
    }
    await settle?.(status, text);
    if (key === 'POST /api/records/:recordId/transfer' && status === 200) {
      const moved = JSON.parse(text) as { recordId: string; to: string };
      seeded.communes[moved.to]?.personal.push(...(seeded.personalOf[moved.recordId] ?? []));
    }
    // An answer to what was sent (an error, or a write's answer) is bounded by what was sent: the
    // request line, the Host header HTTP/1.1 requires, the bearer token and the body (redirects
    // are fixed pages that echo nothing).
    if (status >= 400 || (status < 300 && r.method !== 'GET')) {
      const token = login ? Buffer.byteLength(await callers.get(login)!.token()) + 'authorization: Bearer \r\n'.length : 0;
      const line = `${r.method} ${r.path} HTTP/1.1\r\nhost: ${new URL(app.base).host}\r\n\r\n`;
      const sent = Buffer.byteLength(line) + token + (r.body === undefined ? 0 : Buffer.byteLength(r.body));
      const ratio = Buffer.byteLength(text) / sent;
      if (ratio > stats.maxResponseBytesPerRequestByte) stats.maxResponseBytesPerRequestByte = Math.round(ratio * 100) / 100;
      if (ratio > 20) opts.log?.(`LARGE ANSWER ${login ?? 'anonymous'} ${r.method} ${r.path.slice(0, 120)} → ${status}: ${Buffer.byteLength(text)} bytes for ${sent}`);
    }
    stats.requests++;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    const where = `${login ?? 'anonymous'} ${r.method} ${r.path.slice(0, 160)} → ${status}`;
    if (process.env.FUZZ_TRACE && new RegExp(process.env.FUZZ_TRACE).test(key)) opts.log?.(`${where} ${typeof r.body === 'string' ? r.body.slice(0, 200) : ''} ${text.slice(0, 200)}`);
    if (status >= 500) violation('serverErrors', `${where}: ${text.slice(0, 200)}`);
    const leaked = foreignValues.find((v) => text.includes(v));
    if (leaked) violation('foreignDataResponses', `${where}: carries another area's ${leaked}`);
    const personal = status < 300 && (PERSONAL_READS.has(key) || allPersonal.some((v) => text.includes(v)));
    if (personal && login) {
      // Exports log once the last row is written: give the row a moment to land.
      let logged = false;
      for (let i = 0; i < 40 && !logged; i++) {
        logged = (await ctx.db.models.AccessLog.countDocuments({ sub: login })) > logsBefore;
        if (!logged) await new Promise((res) => setTimeout(res, 25));
      }
      if (!logged) violation('missingAccessLogs', `${where}: personal data answered without an access-log row`);
    }
    if (isExport && login && status === 200) {
      // Settled (completed, or aborted for a client that left) within a moment of the socket closing.
      let settledRow = false;
      for (let i = 0; i < 80 && !settledRow; i++) {
        settledRow = (await ctx.db.models.AccessLog.countDocuments(settledExport)) > exportsBefore;
        if (!settledRow) await new Promise((res) => setTimeout(res, 25));
      }
      if (!settledRow) violation('unloggedExports', `${where}${left ? ' (left mid-stream)' : ''}: export without a completed or aborted access-log row`);
    }
    const after = await localitySnapshot(ctx);
    const foreign = national ? [] : diff(snapshot, after).filter((d) => !sees(d.loc));
    if (foreign.length) violation('outOfScopeWrites', `${where} ${typeof r.body === 'string' ? r.body.slice(0, 160) : ''}: wrote outside its area: ${foreign.slice(0, 5).map((d) => `${d.key} (${d.loc}) ${d.how}`).join(', ')}`);
    snapshot = after;
  };

  // Multi-step flows with identities of every level: acknowledge twice, import then read, report a facility by two communes.
  const LEVEL_CALLERS = FUZZ_CALLERS.filter((c) => c !== null);
  const pick = <T,>(xs: readonly T[], n: number) => xs[n % xs.length]!;
  const json = (method: string, path: string, body: unknown): Omit<FuzzRequest, 'login'> => ({ method, path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), rule: ruleOf(method, path) });
  const flow = async (n: number) => {
    stats.flows++;
    const c = pick(FUZZ_COMMUNES, n);
    const other = pick(FUZZ_COMMUNES, n + 1);
    switch (n % 3) {
      case 0: { // acknowledge: two identities of different levels, the second refused or a retry
        const id = seeded.communes[c]!.escalation;
        await send(pick(LEVEL_CALLERS, n), json('POST', `/api/escalations/${id}/ack`, { note: 'flow' }));
        await send(pick(LEVEL_CALLERS, n * 7 + 3), json('POST', `/api/escalations/${id}/ack`, { note: 'flow' }));
        break;
      }
      case 1: { // import: rows moving another commune's records, then the import read back
        const who = pick(LEVEL_CALLERS, n * 5);
        const rec = seeded.communes[other]!.records[0]!;
        const csv = `recordId,fullName,dateOfBirth,gender,idNumber,nationality,communeCode\n${rec},Kẻ Tấn Công,1950-01-01,male,001090000000,VN,${c}\nFLOW-${n},Nguyễn Văn Mới,1950-01-01,male,001090000001,VN,${c}\n`;
        let importId = '';
        await send(who, { method: 'POST', path: '/api/imports/doses', headers: { 'content-type': 'text/csv' }, body: csv, rule: ruleOf('POST', '/api/imports/doses') }, false, async (status, text) => {
          if (status !== 202) return;
          importId = (JSON.parse(text) as { importId: string }).importId;
          const q = app.queues[IMPORT_QUEUE];
          for (let i = 0; i < 400; i++) { // 400 × 25 ms: the import job of two rows, on a busy machine
            const state = await q.getJobState(importJobId(importId));
            if (state === 'completed' || state === 'failed') return;
            await new Promise((res) => setTimeout(res, 25));
          }
        });
        if (importId) await send(who, { method: 'GET', path: `/api/imports/${importId}`, headers: {}, rule: ruleOf('GET', '/api/imports/:id') });
        break;
      }
      default: { // a facility: another commune tries it first, then its own commune reports it
        const [c, other] = n % 2 ? ['00001', '00004'] : ['00004', '00001']; // the communes with health officers among the callers
        const day = `2021-10-${String(1 + (n % 28)).padStart(2, '0')}`;
        await send(`health-${other}`, json('POST', '/api/dose-reports', { facilityId: `TYT-${c}`, communeCode: other, day, administered: 1 }));
        await send(`health-${c}`, json('POST', '/api/dose-reports', { facilityId: `TYT-${c}`, communeCode: c, day, administered: 2 }));
      }
    }
  };

  // One run: a row of the table in turn (every row every ROUTE_TABLE.length runs), `batch` requests to it.
  const property = fc.asyncProperty(
    // Generated just before the run executes, so `turn` is the number of runs done.
    fc.constant(null).chain(() => {
      const row = turn % ROUTE_TABLE.length;
      return fc.array(fc.tuple(callerFor[row]!, arbitraries[row]!), { minLength: batch, maxLength: batch });
    }),
    async (reqs) => {
      turn++;
      stats.runs++;
      for (const [login, r] of reqs) await send(login, r, stats.runs % 4 === 0);
      await flow(stats.runs);
      if (({} as Record<string, unknown>).polluted !== undefined) stats.prototypePolluted = true;
      if (stats.runs % 10 === 0) opts.log?.(`run ${stats.runs}: ${stats.requests} requests, ${stats.serverErrors} 5xx, ${stats.outOfScopeWrites} foreign writes, ${stats.foreignDataResponses} foreign data`);
      return true;
    },
  );
  await fc.assert(property, { numRuns: opts.runs, seed, endOnFailure: true });
  stats.rowsCovered = covered.size;
  return stats;
}
