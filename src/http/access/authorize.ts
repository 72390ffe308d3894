import type { Request, RequestHandler } from 'express';
import { canSeeLocality, hasRole, isNational, type Principal, type Role } from '../../auth/principal.js';
import type { Models } from '../../db/models/index.js';
import {
  correctionCommune, escalationLocality, localityAncestors, recordCommune, roundLocality,
} from '../../db/repositories/access-scope.repository.js';
import { matchRoute, type RouteRule, type ScopeSource } from './route-table.js';
import { PAGE_PATHS, sendFriendlyPage, wantsPage } from '../friendly-page.js';

const fail = (status: 401 | 403 | 404, code: string, message: string) => ({ status, body: { error: { code, message } } });

/** Ancestors of localities change only with an administrative reform: cache them a while. */
const ANCESTRY_TTL_MS = 10 * 60_000;
const ANCESTRY_MAX = 20_000;

/**
 * Enforces the route table before any router: 401 without a principal, 403 with a wrong role or
 * a locality outside the principal's area, 404 for a route not in the table. Anonymous browser
 * navigations to the dashboard are sent to the sign-in instead.
 */
export function authorize(deps: { models: Models; table: readonly RouteRule[] }): RequestHandler {
  const cache = new Map<string, { at: number; chain: string[] }>();
  const ancestry = async (codes: string[]) => {
    const out = new Map<string, string[]>();
    for (const code of codes) {
      const hit = cache.get(code);
      if (hit && Date.now() - hit.at < ANCESTRY_TTL_MS) { out.set(code, hit.chain); continue; }
      const chain = await localityAncestors(deps.models, code);
      if (!chain) continue; // unknown: not cached, so a locality imported later is seen at once
      if (cache.size >= ANCESTRY_MAX) cache.clear();
      cache.set(code, { at: Date.now(), chain });
      out.set(code, chain);
    }
    return { known: (code: string) => out.has(code), hierarchy: (code: string) => out.get(code) ?? [] };
  };

  return async (req, res, next) => {
    try {
      const match = matchRoute(deps.table, req.method, req.path);
      const p = req.principal;
      if (match?.rule.roles === 'public') return next();
      if (!p) {
        if (wantsPage(req) && PAGE_PATHS.test(req.path)) {
          return res.redirect(302, `/auth/login?returnTo=${encodeURIComponent(req.originalUrl)}`);
        }
        const d = fail(401, 'unauthenticated', 'sign in: a bearer access token or a session is required');
        return void res.set('www-authenticate', 'Bearer').status(d.status).json(d.body);
      }
      if (!match) {
        const d = fail(404, 'not_found', `no route for ${req.method} ${req.path}`);
        return void res.status(d.status).json(d.body);
      }
      const { rule, params } = match;
      const allowed: readonly Role[] = rule.roles === 'authenticated' || rule.roles === 'public' ? p.roles : rule.roles;
      if (!hasRole(p, allowed)) {
        if (wantsPage(req) && PAGE_PATHS.test(req.path)) return sendFriendlyPage(req, res, 403, p);
        const d = fail(403, 'forbidden', `${req.method} ${rule.path} needs one of the roles ${allowed.join(', ')}`);
        return void res.status(d.status).json(d.body);
      }
      const problem = await checkScope(deps.models, rule.scope, req, params, p, allowed, ancestry);
      if (problem) {
        const d = fail(403, 'forbidden', problem);
        return void res.status(d.status).json(d.body);
      }
      next();
    } catch (err) {
      next(err);
    }
  };
}

async function checkScope(
  models: Models, scope: ScopeSource, req: Request, params: Record<string, string>, p: Principal,
  roles: readonly Role[], ancestry: (codes: string[]) => Promise<{ known: (code: string) => boolean; hierarchy: (code: string) => string[] }>,
): Promise<string | null> {
  if (scope.from === 'none') return null;
  if (isNational(p, roles)) return null;
  if (scope.from === 'national') return 'this route is for national roles only';
  const codes = await scopeCodes(models, scope, req, params);
  if (codes === null) return null; // names nothing: the router answers 400/404 without data
  if (codes.length === 0) {
    return scope.from === 'query' ? `give ?${scope.name}= with a locality inside your area` : 'the request names no locality inside your area';
  }
  const { known, hierarchy } = await ancestry(codes);
  // A code that names no locality holds no one's data: the router answers 400/404 naming it.
  const outside = codes.filter((c) => known(c) && !canSeeLocality(p, c, hierarchy, roles));
  return outside.length ? `locality ${outside.slice(0, 5).join(', ')} is outside your area` : null;
}

/** The locality codes a request touches; null when the thing it names does not exist. */
async function scopeCodes(models: Models, scope: ScopeSource, req: Request, params: Record<string, string>): Promise<string[] | null> {
  const body = (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? req.body : {}) as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x.length > 0);
  switch (scope.from) {
    case 'param': return strings(params[scope.name]);
    case 'query': return strings(req.query[scope.name]);
    case 'body': {
      const v = strings(body[scope.field]);
      return v.length ? v : null;
    }
    case 'none':
    case 'national':
      return null;
    default: {
      const id = scope.param ? params[scope.param] : scope.field ? body[scope.field] : undefined;
      if (typeof id !== 'string' || !id) return null;
      const find = { round: roundLocality, record: recordCommune, correction: correctionCommune, escalation: escalationLocality }[scope.from];
      const code = await find(models, id);
      return code ? [code] : null;
    }
  }
}
