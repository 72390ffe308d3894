import { Router, type Request } from 'express';
import * as oidc from 'openid-client';
import { AppError } from '../lib/errors/index.js';
import type { Logger } from '../lib/logger.js';
import { LOGIN_COOKIE, SESSION_COOKIE, clearCookie, readCookie, setCookie } from './cookies.js';
import type { SessionStore } from './session.store.js';
import type { TokenVerifier } from './token-verifier.js';

/** A browser navigation (it prefers HTML to JSON), as src/http/friendly-page.ts tells them apart. */
const isNavigation = (req: Request) => req.accepts(['json', 'html']) === 'html';

export interface LoginDeps {
  verifier: TokenVerifier | null;
  sessions: SessionStore;
  issuer?: string;
  clientId: string;
  clientSecret?: string;
  audience: string;
  allowHttp: boolean;
  publicUrl?: string;
  secureCookies: boolean;
  sessionTtlMs: number;
  log: Logger;
}

/** Only same-site paths: `returnTo` never sends the browser to another origin. */
export function safeReturnTo(v: unknown): string {
  const s = typeof v === 'string' ? v : '';
  return /^\/(?![/\\])[\x21-\x7e]*$/.test(s) ? s : '/dashboard';
}

/**
 * The dashboard's sign-in: `GET /auth/login?returnTo=` → the provider (authorization code + PKCE,
 * state) → `GET /auth/callback` → a session in Redis and an httpOnly SameSite=Lax cookie →
 * redirect to returnTo. `POST /auth/logout` (CSRF header) ends it. `GET /api/me` says who is
 * signed in and gives the CSRF token.
 */
export function loginRouter(deps: LoginDeps): Router {
  const r = Router();
  let configP: Promise<oidc.Configuration> | null = null;
  const config = () => {
    if (!deps.issuer || !deps.clientSecret) throw new AppError('sign_in_unavailable', 'sign-in is not configured on this server (OIDC_ISSUER, OIDC_CLIENT_SECRET)', 503);
    configP ??= oidc.discovery(new URL(deps.issuer), deps.clientId, deps.clientSecret, undefined,
      deps.allowHttp ? { execute: [oidc.allowInsecureRequests] } : undefined).catch((err) => { configP = null; throw err; });
    return configP;
  };
  const base = (req: Request) => (deps.publicUrl ?? `${req.protocol}://${req.get('host')}`).replace(/\/$/, '');

  r.get('/auth/login', async (req, res) => {
    const cfg = await config();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const lid = await deps.sessions.startLogin({ state, codeVerifier, returnTo: safeReturnTo(req.query.returnTo) });
    setCookie(res, LOGIN_COOKIE, lid, { secure: deps.secureCookies, maxAgeMs: 10 * 60_000, path: '/auth' });
    const url = oidc.buildAuthorizationUrl(cfg, {
      redirect_uri: `${base(req)}/auth/callback`, scope: 'openid profile', state, resource: deps.audience,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier), code_challenge_method: 'S256',
    });
    res.redirect(303, url.href);
  });

  r.get('/auth/callback', async (req, res) => {
    const lid = readCookie(req, LOGIN_COOKIE);
    const pending = lid ? await deps.sessions.takeLogin(lid) : null;
    clearCookie(res, LOGIN_COOKIE, { secure: deps.secureCookies, path: '/auth' });
    // A browser back on a finished sign-in step, or a replayed/expired one: a person starts the
    // sign-in again (issue 28) instead of reading a JSON error; API clients keep the error.
    const restart = () => res.redirect(303, `/auth/login?returnTo=${encodeURIComponent('/dashboard')}`);
    if (!pending) {
      if (isNavigation(req)) return restart();
      res.status(400).json({ error: { code: 'no_login', message: 'no sign-in in progress in this browser (or it expired): start again at /auth/login' } });
      return;
    }
    const cfg = await config();
    const current = new URL(req.originalUrl, base(req));
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(cfg, current, { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state }, { resource: deps.audience });
    } catch (err) {
      deps.log.warn({ err: { message: (err as Error).message } }, 'sign-in refused');
      if (isNavigation(req)) return restart();
      res.status(401).json({ error: { code: 'unauthenticated', message: 'the sign-in was refused or expired: start again at /auth/login' } });
      return;
    }
    const { principal, claims } = await deps.verifier!.verify(tokens.access_token);
    const expiresAt = Math.min(Date.now() + deps.sessionTtlMs, (claims.exp ?? 0) * 1000);
    const { id } = await deps.sessions.create({ principal, accessToken: tokens.access_token, expiresAt });
    setCookie(res, SESSION_COOKIE, id, { secure: deps.secureCookies, maxAgeMs: expiresAt - Date.now() });
    deps.log.info({ sub: principal.sub, roles: principal.roles }, 'signed in');
    res.redirect(303, pending.returnTo);
  });

  r.post('/auth/logout', async (req, res) => {
    const sid = readCookie(req, SESSION_COOKIE);
    if (sid) await deps.sessions.destroy(sid);
    clearCookie(res, SESSION_COOKIE, { secure: deps.secureCookies });
    res.json({ signedOut: true });
  });

  r.get('/api/me', async (req, res) => {
    const p = req.principal!;
    const sid = readCookie(req, SESSION_COOKIE);
    const session = req.authVia === 'session' && sid ? await deps.sessions.get(sid) : null;
    res.setHeader('cache-control', 'no-store');
    res.json({ sub: p.sub, name: p.name, roles: p.roles, localities: p.localities, kind: p.kind, csrfToken: session?.csrfToken ?? null });
  });
  return r;
}
