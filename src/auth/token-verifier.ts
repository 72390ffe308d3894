import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { principalFromClaims, type Principal } from './principal.js';

export interface TokenVerifierOptions {
  issuer: string;
  audience: string;
  /** Allow an http:// issuer (the local provider); production issuers are https. */
  allowHttp?: boolean;
}

export interface TokenVerifier {
  /** A Principal from a valid access token (iss, aud, JWKS signature, exp); throws on anything else. */
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

/**
 * Bearer-token validation with `jose`: the issuer's discovery document names its JWKS; keys are
 * fetched and cached by `createRemoteJWKSet` (refetched on an unknown `kid`, so key rotation works).
 */
export function createTokenVerifier(opts: TokenVerifierOptions): TokenVerifier {
  const issuer = opts.issuer.replace(/\/$/, '');
  if (!opts.allowHttp && !issuer.startsWith('https://')) throw new Error(`OIDC_ISSUER must be https (got ${issuer}); OIDC_ALLOW_HTTP=true only for a local provider`);
  let doc: Promise<Awaited<ReturnType<TokenVerifier['discovery']>>> | null = null;
  let jwks: ReturnType<typeof createRemoteJWKSet> | null = null;

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
      if (!jwks) jwks = createRemoteJWKSet(new URL((await discovery()).jwks_uri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
      let claims: JWTPayload;
      try {
        // Issuers differ on a trailing slash; accept the configured form either way.
        ({ payload: claims } = await jwtVerify(token, jwks, { issuer: [issuer, `${issuer}/`], audience: opts.audience, algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'], clockTolerance: 5 }));
      } catch (err) {
        throw new InvalidTokenError((err as Error).message);
      }
      return { principal: principalFromClaims(claims as Record<string, unknown>), claims };
    },
  };
}
