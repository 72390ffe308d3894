import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { ProtectedHeaderParameters } from 'jose';
import { principalFromClaims, type Principal } from './principal.js';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Allow an http:// issuer (the local provider); production issuers are https. */
  allowHttp?: boolean;
}

export interface TokenVerifier {
  /** A Principal from a valid access token (iss, aud, JWKS signature, exp, iat, sub, typ); throws on anything else. */
  verify(token: string): Promise<{ principal: Principal; claims: JWTPayload }>;
  /** The issuer's discovery document (fetched once). */
  discovery(): Promise<{ jwks_uri: string; authorization_endpoint: string; token_endpoint: string; end_session_endpoint?: string }>;
}

export class InvalidTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenError';
  }
}

/** Header `typ` values of access tokens (RFC 9068 `at+jwt`; plain JWT from issuers that set no type). */
const ACCESS_TOKEN_TYPES = new Set(['at+jwt', 'application/at+jwt', 'jwt']);

/**
 * The token's type, where the issuer sets one: the header `typ` (RFC 9068) and Keycloak's `typ`
 * claim (`Bearer` for access tokens; `ID` and `Refresh` tokens are not API credentials).
 */
export function tokenTypeProblem(header: { typ?: string }, claims: JWTPayload): string | null {
  if (header.typ !== undefined && !ACCESS_TOKEN_TYPES.has(header.typ.toLowerCase())) return `token type ${header.typ} is not an access token`;
  if (claims.typ !== undefined && String(claims.typ).toLowerCase() !== 'bearer') return `token typ claim ${String(claims.typ)} is not an access token`;
  return null;
}

/**
 * A token verified within the last minute is not verified again: a checker's client sends the
 * same token with every look-up, and the signature check was the largest single cost of a
 * look-up's authentication (issue 30). A token's claims cannot change; it is kept until the
 * earlier of its expiry and a minute (so a key the issuer withdraws stops being honoured within a
 * minute), at most `VERIFIED_MAX` tokens (the oldest go first). What is kept is frozen: every
 * request of the token shares it.
 */
const VERIFIED_FOR_MS = 60_000;
const VERIFIED_MAX = 10_000;
type Verified = Awaited<ReturnType<TokenVerifier['verify']>>;

const frozen = (v: Verified): Verified => {
  const p = v.principal;
  for (const part of [p.roles, p.localities, ...(p.grants ?? []), p.grants ?? []]) Object.freeze(part);
  Object.freeze(p);
  Object.freeze(v.claims);
  return Object.freeze(v);
};

/**
 * Bearer-token validation with `jose`: the issuer's discovery document names its JWKS; keys are
 * fetched and cached by `createRemoteJWKSet` (refetched on an unknown `kid`, so key rotation works).
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const issuer = opts.issuer.replace(/\/$/, '');
  if (!opts.allowHttp && !issuer.startsWith('https://')) throw new Error(`OIDC_ISSUER must be https (got ${issuer}); OIDC_ALLOW_HTTP=true only for a local provider`);
  let doc: Promise<Awaited<ReturnType<TokenVerifier['discovery']>>> | null = null;
  let jwks: ReturnType<typeof createRemoteJWKSet> | null = null;
  const verified = new Map<string, { until: number; v: Verified }>();

  const discovery = () => {
    doc ??= (async () => {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`, { redirect: 'error', signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`OIDC discovery at ${issuer} answered ${res.status}`);
      return (await res.json()) as Awaited<ReturnType<TokenVerifier['discovery']>>;
    })().catch((err) => { doc = null; throw err; });
    return doc;
  };

  return {
    discovery,
    async verify(token) {
      const now = Date.now();
      const known = verified.get(token);
      if (known && known.until > now) return known.v;
      if (known) verified.delete(token);
      if (!jwks) jwks = createRemoteJWKSet(new URL((await discovery()).jwks_uri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
      let claims: JWTPayload;
      try {
        // Issuers differ on a trailing slash; accept the configured form either way.
        let header: ProtectedHeaderParameters;
        ({ payload: claims, protectedHeader: header } = await jwtVerify(token, jwks, {
          issuer: [issuer, `${issuer}/`], audience: opts.audience, algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'], clockTolerance: 5,
          // A token without an expiry never dies, one without iat has no age, one without sub names no one.
          requiredClaims: ['exp', 'iat', 'sub'],
        }));
        const problem = tokenTypeProblem(header, claims);
        if (problem) throw new InvalidTokenError(problem);
      } catch (err) {
        if (err instanceof InvalidTokenError) throw err;
        throw new InvalidTokenError((err as Error).message);
      }
      const v = frozen({ principal: principalFromClaims(claims as Record<string, unknown>), claims });
      if (verified.size >= VERIFIED_MAX) verified.delete(verified.keys().next().value!);
      verified.set(token, { until: Math.min(now + VERIFIED_FOR_MS, claims.exp! * 1000), v });
      return v;
    },
  };
}
