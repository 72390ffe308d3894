import { describe, expect, it } from 'vitest';
import { canSeeLocality, principalFromClaims } from '../../../src/auth/principal.js';
import { tokenTypeProblem } from '../../../src/auth/token-verifier.js';

/** Issue 16: roles are bound to localities; service accounts never hold person-only roles. */
const tree: Record<string, string[]> = { '00001': ['001', '01'], '00004': ['001', '01'], '001': ['01'], '01': [] };
const hierarchy = (c: string) => tree[c] ?? [];

describe('grants: roles bound to localities', () => {
  it('a token with two roles gets each role only where it is granted', () => {
    const p = principalFromClaims({ sub: 'u', grants: ['commune_health:00004', 'commune_police:00001'] });
    expect(p.roles.sort()).toEqual(['commune_health', 'commune_police']);
    expect(canSeeLocality(p, '00004', hierarchy, ['commune_health'])).toBe(true);
    expect(canSeeLocality(p, '00001', hierarchy, ['commune_health'])).toBe(false);
    expect(canSeeLocality(p, '00001', hierarchy, ['commune_police'])).toBe(true);
    expect(canSeeLocality(p, '00004', hierarchy, ['commune_police'])).toBe(false);
  });

  it('accepts {role, locality} objects and national roles without a locality; drops the malformed', () => {
    const p = principalFromClaims({ sub: 'u', grants: [{ role: 'district_coordinator', locality: '001' }, 'ministry', 'operator:01', 'commune_health', 'root:00001', 'commune_health:1; DROP'] });
    expect(p.grants).toEqual([{ role: 'district_coordinator', locality: '001' }, { role: 'ministry', locality: null }]);
  });

  it('legacy roles + localities are bound only when unambiguous', () => {
    const one = principalFromClaims({ sub: 'u', roles: ['commune_health', 'ministry'], localities: ['00001'] });
    expect(one.grants).toEqual([{ role: 'ministry', locality: null }, { role: 'commune_health', locality: '00001' }]);
    const two = principalFromClaims({ sub: 'u', roles: ['commune_health', 'district_coordinator'], localities: ['00001', '001'] });
    expect(two.grants).toEqual([]);
    expect(canSeeLocality(two, '00001', hierarchy)).toBe(false);
  });

  it('a service account never holds commune_health or commune_police', () => {
    const svc = principalFromClaims({ sub: 'script', client_id: 'script', grants: ['commune_police:00001', 'district_coordinator:001'] });
    expect(svc.kind).toBe('service');
    expect(svc.roles).toEqual(['district_coordinator']);
    const kc = principalFromClaims({ sub: 'abc', preferred_username: 'service-account-x', realm_access: { roles: ['commune_health'] }, localities: ['00001'] });
    expect(kc.roles).toEqual([]);
  });
});

describe('token type', () => {
  it('accepts access tokens, refuses ID and refresh tokens where the issuer marks them', () => {
    expect(tokenTypeProblem({ typ: 'at+jwt' }, {})).toBeNull();
    expect(tokenTypeProblem({ typ: 'JWT' }, { typ: 'Bearer' })).toBeNull();
    expect(tokenTypeProblem({}, {})).toBeNull();
    expect(tokenTypeProblem({ typ: 'JWT' }, { typ: 'ID' })).toMatch(/not an access token/);
    expect(tokenTypeProblem({ typ: 'dpop+jwt' }, {})).toMatch(/not an access token/);
  });
});

describe('TRUST_PROXY', () => {
  it('takes addresses, subnets and the named ranges, never a hop count or true', async () => {
    const { parseEnv } = await import('../../../src/config/index.js');
    expect(parseEnv({}).TRUST_PROXY).toEqual([]);
    expect(parseEnv({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    expect(() => parseEnv({ TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
    expect(() => parseEnv({ TRUST_PROXY: '1' })).toThrow(/TRUST_PROXY/);
  });
});
