import type { Request, RequestHandler } from 'express';
import { canSeeLocality, hasRole, isNational, type Principal, type Role } from '../../auth/principal.js';
import type { Store } from '../../db/store.js';
import {
  correctionCommune, escalationLocality, localityAncestors, recordCommune, roundLocality,
} from '../../db/repositories/access-scope.repository.js';
import { validate } from '../validate.js';
import { foundCache } from '../../lib/found-cache.js';
import type { ParsedRequest, ResolvedScope } from './input.js';
import { matchRoute, type RouteRule, type ScopeSource } from './route-table.js';
import { PAGE_PATHS, sendFriendlyPage, wantsPage } from '../friendly-page.js';

const fail = (status: 401 | 403 | 404, code: string, message: string) => ({ status, body: { error: { code, message } } });

/** Ancestors of localities change only with an administrative reform: cache them a while. */
const ANCESTRY_TTL_MS = 10 * 60_000;
const ANCESTRY_MAX = 20_000;

type Ancestry = (codes: string[]) => Promise<{ known: (code: string) => boolean; hierarchy: (code: string) => string[] }>;
type Denial = ReturnType<typeof fail>;

/**
 * Enforces the route table before any router: 401 without a principal, 403 with a wrong role or
 * a locality outside the principal's area, 404 for a route not in the table and for a round,
 * record, correction or escalation that is missing OR outside the area (the same answer, so
 * existence is not revealed). The request is parsed here, once, with the row's schemas; the scope
 * is resolved from the parsed values and both are handed to the router (`req.parsed`,
 * `req.scope`). Anonymous browser navigations to the dashboard are sent to the sign-in instead.
 */
export function authorize(deps: { store: Store; table: readonly RouteRule[] }): RequestHandler {
  const cached = foundCache<string[]>(ANCESTRY_TTL_MS, ANCESTRY_MAX);
  const ancestry: Ancestry = async (codes) => {
    const out = new Map<string, string[]>();
    for (const code of codes) {
      // Unknown: not cached, so a locality imported later is seen at once.
      const chain = await cached(code, () => localityAncestors(deps.store, code));
      if (chain) out.set(code, chain);
    }
    return { known: (code: string) => out.has(code), hierarchy: (code: string) => out.get(code) ?? [] };
  };

  return async (req, res, next) => {
    try {
      const match = matchRoute(deps.table, req.method, req.path);
      const p = req.principal;
      if (match?.rule.roles === 'public') {
        req.parsed = parseRequest(match.rule, req, match.params);
        req.scope = { localities: [] };
        return next();
      }
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
      // One parse point: a 400 here names the request's own fields only, never stored data.
      const parsed = parseRequest(rule, req, params);
      const scope = await resolveScope(deps.store, rule.scope, parsed, p, allowed, ancestry);
      if ('status' in scope) return void res.status(scope.status).json(scope.body);
      if (rule.alsoBody) {
        // The second locality (a transfer's destination) is checked as a body scope is.
        const also = await resolveScope(deps.store, { from: 'body', field: rule.alsoBody }, parsed, p, allowed, ancestry);
        if ('status' in also) return void res.status(also.status).json(also.body);
        scope.localities = [...new Set([...scope.localities, ...also.localities])];
      }
      req.parsed = parsed;
      req.scope = scope;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Parse params, query and body with the row's schemas (400 naming each bad field). */
function parseRequest(rule: RouteRule, req: Request, params: Record<string, string>): ParsedRequest {
  const schemas = rule.request ?? {};
  const out: ParsedRequest = { schemas };
  if (schemas.params) out.params = validate(schemas.params, params, 'params');
  if (schemas.query) out.query = validate(schemas.query, req.query, 'query');
  if (schemas.body) out.body = validate(schemas.body, req.body ?? {}, 'body');
  return out;
}

const LOADERS = { round: roundLocality, record: recordCommune, correction: correctionCommune, escalation: escalationLocality } as const;

async function resolveScope(
  store: Store, scope: ScopeSource, parsed: ParsedRequest, p: Principal, roles: readonly Role[], ancestry: Ancestry,
): Promise<ResolvedScope | Denial> {
  const national = isNational(p, roles);
  switch (scope.from) {
    case 'none': return { localities: [] };
    case 'national': return national ? { localities: [] } : fail(403, 'forbidden', 'this route is for national roles only');
    case 'param':
    case 'query':
    case 'body': {
      const part = scope.from === 'param' ? parsed.params : scope.from === 'query' ? parsed.query : parsed.body;
      const key = scope.from === 'body' ? scope.field : scope.name;
      const v = (part as Record<string, unknown> | undefined)?.[key];
      const codes = [...new Set((Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x.length > 0))];
      if (national) return { localities: codes };
      if (codes.length === 0) {
        return fail(403, 'forbidden', scope.from === 'query' ? `give ?${scope.name}= with a locality inside your area` : 'the request names no locality inside your area');
      }
      const { known, hierarchy } = await ancestry(codes);
      // A code that names no locality is outside every scoped caller's area: never let it through unresolved.
      const outside = codes.filter((c) => !known(c) || !canSeeLocality(p, c, hierarchy, roles));
      return outside.length ? fail(403, 'forbidden', `locality ${outside.slice(0, 5).join(', ')} is outside your area`) : { localities: codes };
    }
    default: {
      const part = (scope.param ? parsed.params : parsed.body) as Record<string, unknown> | undefined;
      const id = part?.[scope.param ?? scope.field ?? ''];
      if (typeof id !== 'string' || !id) throw new Error(`the route table row's ${scope.from} scope has no parsed id (a schema is missing)`);
      const thing = await LOADERS[scope.from](store, id);
      const notFound = fail(404, 'not_found', `${scope.from} ${id} not found`);
      if (!thing) return notFound;
      if (!national) {
        const { hierarchy } = await ancestry([thing.locality]);
        if (!canSeeLocality(p, thing.locality, hierarchy, roles)) return notFound;
      }
      return { localities: [thing.locality], resource: { kind: scope.from, id: thing.id, locality: thing.locality } };
    }
  }
}
