/**
 * Who is asking: roles and locality scope from the token (contract with the dashboard, issue 11).
 * Pure: no I/O. `localities` are administrative codes (province 2 digits, district 3, commune 5).
 */
export const ROLES = ['ministry', 'campaign_admin', 'province_coordinator', 'district_coordinator',
  'commune_health', 'commune_police', 'operator', 'passport_checker'] as const;
export type Role = (typeof ROLES)[number];

/** A role held in one locality (null: a national role, held everywhere). */
export interface Grant { role: Role; locality: string | null }

export interface Principal {
  sub: string;
  name: string;
  /** The roles of `grants` (what /api/me shows and the route table's role check reads). */
  roles: Role[];
  /** The localities of `grants`. */
  localities: string[];
  kind: 'user' | 'service';
  /**
   * Each role bound to the localities where it is held: a token with commune_health in 00004 and
   * commune_police in 00001 is never health officer of 00001. Absent on principals built before
   * grants existed: then `grantsOf` binds only what is unambiguous.
   */
  grants?: Grant[];
}

/** Roles only a person may hold: a client-credentials service account never corrects nor signs off. */
export const PERSON_ROLES: readonly Role[] = ['commune_health', 'commune_police'];

/** Roles that see the whole country (for the routes they are allowed on); the others see their subtree only. */
export const NATIONAL_ROLES: readonly Role[] = ['ministry', 'campaign_admin', 'operator', 'passport_checker'];

/** A locality's own code followed by its ancestors' codes (commune → district → province). */
export type Hierarchy = (code: string) => readonly string[];

const LOCALITY_CODE = /^(\d{2}|\d{3}|\d{5})$/;

const isRole = (r: unknown): r is Role => typeof r === 'string' && (ROLES as readonly string[]).includes(r);

/**
 * The claims mapping (docs/security.md):
 * - `grants`: the authoritative one. An array of `"<role>:<locality>"` strings (a Keycloak
 *   multivalued user attribute) or `{ role, locality }` objects; a national role is `"<role>"`.
 *   A scoped role without a valid locality, or a national role with one, grants nothing.
 * - without `grants`, `roles` (or Keycloak `realm_access.roles`) and `localities` are bound only
 *   when that is unambiguous: national roles need no locality, and the localities go to the one
 *   scoped role; a token with two scoped roles and no `grants` gets no scoped role at all.
 * - a service account (client credentials) never holds the person-only roles.
 */
export function grantsFromClaims(claims: Record<string, unknown>, kind: Principal['kind']): Grant[] {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : []);
  const out: Grant[] = [];
  const add = (role: unknown, locality: unknown) => {
    if (!isRole(role)) return;
    const national = NATIONAL_ROLES.includes(role);
    if (national ? locality !== null && locality !== undefined && locality !== '' : typeof locality !== 'string' || !LOCALITY_CODE.test(locality)) return;
    out.push({ role, locality: national ? null : (locality as string) });
  };
  if (claims.grants !== undefined) {
    for (const g of Array.isArray(claims.grants) ? claims.grants : list(claims.grants)) {
      if (typeof g === 'string') {
        const i = g.indexOf(':');
        add(i < 0 ? g : g.slice(0, i), i < 0 ? null : g.slice(i + 1));
      } else if (g && typeof g === 'object') add((g as { role?: unknown }).role, (g as { locality?: unknown }).locality ?? null);
    }
  } else {
    const realmRoles = (claims.realm_access as { roles?: unknown } | undefined)?.roles;
    const roles = [...new Set([...list(claims.roles), ...list(realmRoles)])].filter(isRole);
    const scoped = roles.filter((r) => !NATIONAL_ROLES.includes(r));
    for (const r of roles) if (NATIONAL_ROLES.includes(r)) add(r, null);
    if (scoped.length === 1) for (const c of new Set(list(claims.localities))) add(scoped[0], c);
  }
  const seen = new Set<string>();
  return out.filter((g) => {
    const k = `${g.role}:${g.locality}`;
    if (seen.has(k) || (kind === 'service' && PERSON_ROLES.includes(g.role))) return false;
    seen.add(k);
    return true;
  });
}

/** Build a Principal from verified token claims; unknown roles, malformed codes and unbound pairs are dropped. */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const sub = typeof claims.sub === 'string' && claims.sub ? claims.sub : String(claims.client_id ?? claims.azp ?? '');
  // oidc-provider: sub = client_id for client credentials; Keycloak: a `service-account-<client>` user.
  const kind = claims.sub === undefined || (typeof claims.client_id === 'string' && claims.sub === claims.client_id)
    || String(claims.preferred_username ?? '').startsWith('service-account-') ? 'service' : 'user';
  const name = String(claims.name ?? claims.preferred_username ?? sub);
  const grants = grantsFromClaims(claims, kind);
  const roles = [...new Set(grants.map((g) => g.role))];
  const localities = [...new Set(grants.flatMap((g) => (g.locality ? [g.locality] : [])))];
  return { sub, name, roles, localities, kind, grants };
}

/** A principal's grants; one without them (an older session) is bound as `grantsFromClaims` binds legacy claims. */
export function grantsOf(p: Principal): Grant[] {
  return p.grants ?? grantsFromClaims({ roles: p.roles, localities: p.localities }, p.kind);
}

export function hasRole(p: Principal, roles: readonly Role[]): boolean {
  return p.roles.some((r) => roles.includes(r));
}

/** True when the principal has one of `roles` that sees the whole country. */
export function isNational(p: Principal, roles: readonly Role[] = ROLES): boolean {
  return p.roles.some((r) => NATIONAL_ROLES.includes(r) && roles.includes(r));
}

/**
 * May `p` see locality `code` with one of `roles`? National roles see everything; the others
 * see a locality when one of their grants OF THOSE ROLES is that locality or one of its
 * ancestors (a district coordinator of 271 sees 271 and its communes, never 270 or the province 01).
 */
export function canSeeLocality(p: Principal, code: string, hierarchy: Hierarchy, roles: readonly Role[] = ROLES): boolean {
  if (isNational(p, roles)) return true;
  const chain = hierarchy(code);
  return grantsOf(p).some((g) => roles.includes(g.role) && g.locality !== null && (g.locality === code || chain.includes(g.locality)));
}
