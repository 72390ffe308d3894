/**
 * Who is asking: roles and locality scope from the token (contract with the dashboard, issue 11).
 * Pure: no I/O. `localities` are administrative codes (province 2 digits, district 3, commune 5).
 */
export const ROLES = ['ministry', 'campaign_admin', 'province_coordinator', 'district_coordinator',
  'commune_health', 'commune_police', 'operator', 'passport_checker'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  sub: string;
  name: string;
  roles: Role[];
  localities: string[];
  kind: 'user' | 'service';
}

/** Roles that see the whole country (for the routes they are allowed on); the others see their subtree only. */
export const NATIONAL_ROLES: readonly Role[] = ['ministry', 'campaign_admin', 'operator', 'passport_checker'];

/** A locality's own code followed by its ancestors' codes (commune → district → province). */
export type Hierarchy = (code: string) => readonly string[];

const LOCALITY_CODE = /^(\d{2}|\d{3}|\d{5})$/;

/** Build a Principal from verified token claims; unknown roles and malformed codes are dropped. */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : typeof v === 'string' ? v.split(/[\s,]+/).filter(Boolean) : []);
  const realmRoles = (claims.realm_access as { roles?: unknown } | undefined)?.roles;
  const roles = [...new Set([...list(claims.roles), ...list(realmRoles)])].filter((r): r is Role => (ROLES as readonly string[]).includes(r));
  const localities = [...new Set(list(claims.localities))].filter((c) => LOCALITY_CODE.test(c));
  const sub = typeof claims.sub === 'string' && claims.sub ? claims.sub : String(claims.client_id ?? claims.azp ?? '');
  // oidc-provider: sub = client_id for client credentials; Keycloak: a `service-account-<client>` user.
  const kind = claims.sub === undefined || (typeof claims.client_id === 'string' && claims.sub === claims.client_id)
    || String(claims.preferred_username ?? '').startsWith('service-account-') ? 'service' : 'user';
  const name = String(claims.name ?? claims.preferred_username ?? sub);
  return { sub, name, roles, localities, kind };
}

export function hasRole(p: Principal, roles: readonly Role[]): boolean {
  return p.roles.some((r) => roles.includes(r));
}

/** True when the principal has one of `roles` that sees the whole country. */
export function isNational(p: Principal, roles: readonly Role[] = ROLES): boolean {
  return p.roles.some((r) => NATIONAL_ROLES.includes(r) && roles.includes(r));
}

/**
 * May `p` see locality `code`? National roles see everything; the others see a locality when one
 * of their own codes is that locality or one of its ancestors (a district coordinator of 271 sees
 * 271 and its communes, never 270 or the province 01).
 */
export function canSeeLocality(p: Principal, code: string, hierarchy: Hierarchy, roles: readonly Role[] = ROLES): boolean {
  if (isNational(p, roles)) return true;
  if (!p.roles.some((r) => roles.includes(r))) return false;
  const chain = hierarchy(code);
  return p.localities.some((own) => own === code || chain.includes(own));
}
