import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, type TokenVerifier } from '../../src/auth/token-verifier.js';

/**
 * Issue 16: the token policy. An issuer of our own (discovery + JWKS over HTTP) signs tokens
 * that a real provider might mint by mistake; the verifier must refuse those without exp, iat or
 * sub, and those whose type says they are no access token.
 */
let server: Server;
let issuer: string;
let verifier: TokenVerifier;
let key: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
const AUD = 'urn:vaxverify:api';

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  key = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token` }));
    else if (req.url === '/jwks') res.end(JSON.stringify({ keys: [jwk] }));
    else { res.statusCode = 404; res.end('{}'); }
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  verifier = createTokenVerifier({ issuer, audience: AUD, allowHttp: true });
});
afterAll(() => new Promise((r) => server?.close(r)));

const sign = (claims: JWTPayload, opts: { typ?: string; exp?: boolean; iat?: boolean } = {}) => {
  let t = new SignJWT({ grants: ['district_coordinator:001'], ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k1', ...(opts.typ ? { typ: opts.typ } : {}) })
    .setIssuer(issuer).setAudience(AUD);
  if (opts.exp !== false) t = t.setExpirationTime('5m');
  if (opts.iat !== false) t = t.setIssuedAt();
  return t.sign(key);
};

describe('token policy', () => {
  it('accepts an access token with exp, iat and sub', async () => {
    const { principal } = await verifier.verify(await sign({ sub: 'u1' }, { typ: 'at+jwt' }));
    expect(principal).toMatchObject({ sub: 'u1', roles: ['district_coordinator'], localities: ['001'] });
  });
  it('refuses a token without exp, without iat or without sub', async () => {
    await expect(verifier.verify(await sign({ sub: 'u1' }, { exp: false }))).rejects.toThrow(/exp/);
    await expect(verifier.verify(await sign({ sub: 'u1' }, { iat: false }))).rejects.toThrow(/iat/);
    await expect(verifier.verify(await sign({}))).rejects.toThrow(/sub/);
  });
  it('refuses an ID or refresh token where the type is set', async () => {
    await expect(verifier.verify(await sign({ sub: 'u1', typ: 'ID' }))).rejects.toThrow(/not an access token/);
    await expect(verifier.verify(await sign({ sub: 'u1', typ: 'Refresh' }))).rejects.toThrow(/not an access token/);
    await expect(verifier.verify(await sign({ sub: 'u1' }, { typ: 'logout+jwt' }))).rejects.toThrow(/not an access token/);
    await expect(verifier.verify(await sign({ sub: 'u1', typ: 'Bearer' }, { typ: 'JWT' }))).resolves.toBeTruthy();
  });
});

describe('verified tokens remembered (issue 30: a look-up\'s authentication without a signature check)', () => {
  it('answers a token verified before from memory, frozen, each token its own principal, never past its expiry', async () => {
    const a = await sign({ sub: 'u-a' });
    const b = await sign({ sub: 'u-b', grants: ['commune_health:00004'] });
    const first = await verifier.verify(a);
    // The same token again: the same frozen answer, not a second verification.
    const again = await verifier.verify(a);
    expect(again).toBe(first);
    expect(Object.isFrozen(again.principal) && Object.isFrozen(again.principal.roles)).toBe(true);
    expect(() => { (again.principal.roles as string[]).push('ministry'); }).toThrow(TypeError);
    const other = await verifier.verify(b);
    expect(other.principal).toMatchObject({ sub: 'u-b', roles: ['commune_health'], localities: ['00004'] });
    expect((await verifier.verify(a)).principal.sub).toBe('u-a');
    // A token whose expiry comes in a second is remembered no longer than that (then verified
    // again: jose's 5 s clock tolerance still accepts it, as a new answer).
    const short = await new SignJWT({ grants: ['ministry'] }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setIssuer(issuer).setAudience(AUD)
      .setSubject('u-short').setIssuedAt().setExpirationTime(Math.floor(Date.now() / 1000) + 2).sign(key);
    const s1 = await verifier.verify(short);
    expect(await verifier.verify(short)).toBe(s1);
    await new Promise((r) => setTimeout(r, Number(s1.claims.exp) * 1000 - Date.now() + 100));
    const s2 = await verifier.verify(short);
    expect(s2).not.toBe(s1);
    expect(s2.principal.sub).toBe('u-short');
    // Past the tolerance too: refused, memory or not.
    await new Promise((r) => setTimeout(r, Number(s1.claims.exp) * 1000 + 5_500 - Date.now()));
    await expect(verifier.verify(short)).rejects.toThrow(/exp/);
  }, 20_000);
});
