import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import type { Role } from '../../src/auth/principal.js';

/**
 * A real OpenID Connect provider (panva's `oidc-provider`) started in-process, for tests and for
 * `npm run oidc`. Users sign in on its own login page (password = login name, local only); the API
 * gets RS256 JWT access tokens for its audience carrying `roles`, `localities` and `name`.
 * Nothing here mints a token by hand: `tokenFor` runs the authorization-code + PKCE grant over
 * HTTP against the provider's real endpoints, `serviceToken` the client-credentials grant.
 */
/**
 * `grants` (`"<role>:<locality>"`, `"<role>"` for national roles) is the claim the API binds roles
 * to localities with (docs/security.md); without it, every role of the user is granted in every
 * listed locality, which is how the seeded users are meant.
 */
export interface LocalUser { name: string; roles: Role[]; localities: string[]; grants?: string[] }
export interface ServiceClient { secret: string; roles: Role[]; localities: string[]; grants?: string[] }

const NATIONAL: readonly Role[] = ['ministry', 'campaign_admin', 'operator', 'passport_checker'];
/** The grants claim of a local user or service account. */
export function grantsClaim(u: { roles: Role[]; localities: string[]; grants?: string[] }): string[] {
  return u.grants ?? u.roles.flatMap((r) => (NATIONAL.includes(r) ? [r] : u.localities.map((l) => `${r}:${l}`)));
}

export const DEFAULT_AUDIENCE = 'urn:vaxverify:api';
export const DASHBOARD_CLIENT_ID = 'vaxverify-dashboard';
export const DASHBOARD_CLIENT_SECRET = 'dashboard-secret-local-only';

/** The contract's seeded users (issue 10 × issue 11); tests add their own with `users`. */
export const SEEDED_USERS: Record<string, LocalUser> = {
  ministry: { name: 'Ministry Viewer', roles: ['ministry'], localities: [] },
  admin: { name: 'Campaign Admin', roles: ['campaign_admin'], localities: [] },
  hanoi: { name: 'Hà Nội Coordinator', roles: ['province_coordinator'], localities: ['01'] },
  bavi: { name: 'Ba Vì Coordinator', roles: ['district_coordinator'], localities: ['271'] },
  'health-09619': { name: 'Health Station 09619', roles: ['commune_health'], localities: ['09619'] },
  'police-09619': { name: 'Commune Police 09619', roles: ['commune_police'], localities: ['09619'] },
  'health-09625': { name: 'Health Station 09625', roles: ['commune_health'], localities: ['09625'] },
  'police-09625': { name: 'Commune Police 09625', roles: ['commune_police'], localities: ['09625'] },
  operator: { name: 'Queue Operator', roles: ['operator'], localities: [] },
  checker: { name: 'Passport Checker', roles: ['passport_checker'], localities: [] },
};

/** Users of the tests' small tree (test/helpers/seed.ts: province 01 › district 001 › communes 00001…). */
export const TEST_TREE_USERS: Record<string, LocalUser> = {
  'prov-01': { name: 'Province 01 Coordinator', roles: ['province_coordinator'], localities: ['01'] },
  'prov-79': { name: 'Province 79 Coordinator', roles: ['province_coordinator'], localities: ['79'] },
  'coord-001': { name: 'District 001 Coordinator', roles: ['district_coordinator'], localities: ['001'] },
  'coord-002': { name: 'District 002 Coordinator', roles: ['district_coordinator'], localities: ['002'] },
  'health-00001': { name: 'Trạm Y tế Phúc Xá', roles: ['commune_health'], localities: ['00001'] },
  'health-00001-b': { name: 'Trạm Y tế Phúc Xá (ca 2)', roles: ['commune_health'], localities: ['00001'] },
  ...Object.fromEntries(['00004', '00006', '00007'].map((c) => [`health-${c}`, { name: `Trạm Y tế ${c}`, roles: ['commune_health'], localities: [c] }])),
  'police-00001': { name: 'Công an phường Phúc Xá', roles: ['commune_police'], localities: ['00001'] },
  /** Two roles in two communes: health officer of 00004 only, police of 00001 only (never the cross product). */
  'mixed-00004-00001': { name: 'Y tế 00004, Công an 00001', roles: ['commune_health', 'commune_police'], localities: ['00004', '00001'], grants: ['commune_health:00004', 'commune_police:00001'] },
  /** One person holding both commune roles: must still not sign off their own corrections. */
  'both-00001': { name: 'Y tế và Công an 00001', roles: ['commune_health', 'commune_police'], localities: ['00001'] },
  ...Object.fromEntries(['00004', '00006', '00007'].map((c) => [`police-${c}`, { name: `Công an ${c}`, roles: ['commune_police'], localities: [c] }])),
};

export const SEEDED_SERVICES: Record<string, ServiceClient> = {
  'bavi-script': { secret: 'bavi-script-secret-local-only', roles: ['district_coordinator'], localities: ['271'] },
  /** The tests' tree: a district 001 coordinator's script. */
  'coord-001-script': { secret: 'coord-001-script-secret-local-only', roles: ['district_coordinator'], localities: ['001'] },
  /** A misconfigured script holding a person-only role: the API drops it (service accounts never sign off). */
  'police-00001-script': { secret: 'police-00001-script-secret-local-only', roles: ['commune_police'], localities: ['00001'] },
};

/**
 * `fetch` as a browser without JavaScript: redirects not followed, cookies kept between calls
 * (a cookie set to an empty value is dropped).
 */
export function cookieJarFetch() {
  const jar = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const v = pair!.slice(i + 1);
      if (v) jar.set(pair!.slice(0, i), v); else jar.delete(pair!.slice(0, i));
    }
    return res;
  };
  return { jar, go };
}

export interface OidcOptions {
  port?: number;
  host?: string;
  audience?: string;
  users?: Record<string, LocalUser>;
  services?: Record<string, ServiceClient>;
  /** Extra redirect URIs of the dashboard client (loopback URIs on any port are always allowed). */
  redirectUris?: string[];
  /** Access token lifetime in seconds. */
  accessTokenTtl?: number;
}

export interface OidcProvider {
  issuer: string;
  audience: string;
  clientId: string;
  clientSecret: string;
  users: Record<string, LocalUser>;
  /** A user's access token from the real authorization-code + PKCE grant (login = password). */
  tokenFor(login: string): Promise<string>;
  /** A service account's access token from the client-credentials grant. */
  serviceToken(clientId: string): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcProvider(opts: OidcOptions = {}): Promise<OidcProvider> {
  const users = { ...SEEDED_USERS, ...TEST_TREE_USERS, ...opts.users };
  const services = { ...SEEDED_SERVICES, ...opts.services };
  const audience = opts.audience ?? DEFAULT_AUDIENCE;
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://${opts.host === '0.0.0.0' || !opts.host ? '127.0.0.1' : opts.host}:${port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: `local-${port}`, alg: 'RS256', use: 'sig' };
  const loopback = ['http://127.0.0.1/auth/callback', 'http://localhost/auth/callback'];
  const config: Configuration = {
    clients: [
      {
        client_id: DASHBOARD_CLIENT_ID, client_secret: DASHBOARD_CLIENT_SECRET, application_type: 'native',
        redirect_uris: [...loopback, ...(opts.redirectUris ?? [])], grant_types: ['authorization_code'], response_types: ['code'],
        post_logout_redirect_uris: ['http://127.0.0.1/', 'http://localhost/'],
      },
      ...Object.entries(services).map(([id, s]) => ({
        client_id: id, client_secret: s.secret, grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
      })),
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: [randomBytes(24).toString('hex')] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name'], vaxverify: ['roles', 'localities', 'grants'] },
    scopes: ['openid', 'profile', 'vaxverify'],
    ttl: { AccessToken: opts.accessTokenTtl ?? 3600, ClientCredentials: opts.accessTokenTtl ?? 3600, Session: 3600, Interaction: 600, Grant: 3600, IdToken: 3600 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== audience) throw new Error(`unknown resource ${resource}`);
          return { scope: 'api', audience, accessTokenFormat: 'jwt', accessTokenTTL: opts.accessTokenTtl ?? 3600, jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    findAccount: (_ctx, id) => {
      const u = users[id];
      if (!u) return undefined;
      return { accountId: id, claims: () => ({ sub: id, name: u.name, roles: u.roles, localities: u.localities, grants: grantsClaim(u) }) };
    },
    extraTokenClaims: (_ctx, token) => {
      const t = token as unknown as { accountId?: string; clientId?: string; kind: string };
      if (t.accountId && users[t.accountId]) {
        const u = users[t.accountId]!;
        return { name: u.name, roles: u.roles, localities: u.localities, grants: grantsClaim(u) };
      }
      const s = t.clientId ? services[t.clientId] : undefined;
      return s ? { name: t.clientId, roles: s.roles, localities: s.localities, grants: grantsClaim(s) } : undefined;
    },
    // A person reads this page: Vietnamese, no stack or JSON; the error code stays in small print for support.
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = expiredPage(String((out as { error?: string }).error ?? ''));
    },
  };
  const provider = new Provider(issuer, config);
  provider.on('server_error', (_ctx, err) => console.error('oidc-provider server_error', err));

  const app = express();
  app.disable('x-powered-by');
  /*
   * Where each sign-in step returns to, remembered when its page is served (bounded): the browser's
   * back button after signing in lands on a step the provider has finished, which then sends the
   * browser back to the app (signed in: its page; not: a fresh sign-in) instead of an error.
   */
  const returnsTo = new Map<string, string>();
  const remember = (uid: string, redirectUri: unknown) => {
    if (typeof redirectUri !== 'string') return;
    if (returnsTo.size >= 1_000) returnsTo.delete(returnsTo.keys().next().value!);
    returnsTo.set(uid, new URL('/dashboard', redirectUri).href);
  };
  const finished = (uid: string, res: express.Response) => {
    const back = returnsTo.get(uid);
    if (back) res.redirect(303, back);
    else res.status(400).type('html').send(expiredPage('session_not_found'));
  };
  app.get('/interaction/:uid', async (req, res, next) => {
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch (err) {
      if ((err as { name?: string }).name === 'SessionNotFound') return finished(req.params.uid, res);
      return next(err);
    }
    remember(String(details.uid), details.params.redirect_uri);
    // Never from the back-forward or HTTP cache: the back button must ask again (and be sent back to the app).
    res.set('cache-control', 'no-store').type('html').send(loginPage(String(details.uid), req.query.e === '1' ? 'Tên đăng nhập hoặc mật khẩu không đúng.' : ''));
  });
  app.post('/interaction/:uid', express.urlencoded({ extended: false, limit: '10kb' }), async (req, res, next) => {
    try {
      let details;
      try {
        details = await provider.interactionDetails(req, res);
      } catch (err) {
        if ((err as { name?: string }).name === 'SessionNotFound') return finished(req.params.uid, res);
        throw err;
      }
      const login = String(req.body?.login ?? '');
      if (!users[login] || req.body?.password !== login) {
        // Post/redirect/get: the page that says so is a GET, so the back button never meets a form resubmission.
        res.redirect(303, `/interaction/${encodeURIComponent(String(details.uid))}?e=1`);
        return;
      }
      const clientId = String(details.params.client_id);
      const grant = new provider.Grant({ accountId: login, clientId });
      grant.addOIDCScope('openid profile vaxverify');
      const missing = (details.prompt.details.missingResourceScopes ?? {}) as Record<string, string[]>;
      for (const [resource, scopes] of Object.entries(missing)) grant.addResourceScope(resource, scopes.join(' '));
      grant.addResourceScope(audience, 'api');
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
    } catch (err) { next(err); }
  });
  app.use(provider.callback());
  server.on('request', app);

  const tokenFor = async (login: string) => {
    const verifier = randomBytes(32).toString('base64url');
    const redirectUri = 'http://127.0.0.1/auth/callback';
    const auth = new URL(`${issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: DASHBOARD_CLIENT_ID, response_type: 'code', scope: 'openid profile vaxverify api', redirect_uri: redirectUri,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
      state: randomBytes(8).toString('hex'), resource: audience,
    }).toString();
    const { go } = cookieJarFetch();
    let res = await go(auth.toString());
    let location = res.headers.get('location');
    for (let hops = 0; location && !location.startsWith(redirectUri) && hops < 6; hops++) {
      const url = new URL(location, issuer).toString();
      res = url.includes('/interaction/')
        ? await go(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ login, password: login }).toString() })
        : await go(url);
      location = res.headers.get('location');
    }
    const code = location ? new URL(location).searchParams.get('code') : null;
    if (!code) throw new Error(`sign-in of ${login} failed: ${res.status} ${await res.text()}`);
    return tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, resource: audience }, DASHBOARD_CLIENT_ID, DASHBOARD_CLIENT_SECRET);
  };

  const tokenRequest = async (params: Record<string, string>, id: string, secret: string) => {
    const res = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}` },
      body: new URLSearchParams(params).toString(),
    });
    const body = (await res.json()) as { access_token?: string };
    if (!res.ok || !body.access_token) throw new Error(`token request for ${id} failed: ${res.status} ${JSON.stringify(body)}`);
    return body.access_token;
  };

  return {
    issuer, audience, clientId: DASHBOARD_CLIENT_ID, clientSecret: DASHBOARD_CLIENT_SECRET, users,
    tokenFor,
    serviceToken: (id) => {
      const s = services[id];
      if (!s) throw new Error(`no service client ${id}`);
      return tokenRequest({ grant_type: 'client_credentials', scope: 'api', resource: audience }, id, s.secret);
    },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** The page's look: the dashboard's colours, one column, large targets (usable on a phone). */
const PAGE_STYLE = `body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f6f8;color:#1d2733}
header{background:#0b5394;color:#fff;padding:.8rem 1rem;font-weight:600}
main{max-width:24rem;margin:1.5rem auto;padding:1.2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}
h1{font-size:1.3rem;margin:0 0 .6rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input{box-sizing:border-box;width:100%;font-size:1rem;padding:.6rem;border:1px solid #aab4bf;border-radius:6px}
button,a.button{display:block;box-sizing:border-box;width:100%;margin-top:1.2rem;padding:.75rem;font-size:1rem;font-weight:600;color:#fff;background:#0b5394;border:0;border-radius:6px;text-align:center;text-decoration:none}
.muted{color:#5b6773;font-size:.9rem}[role=alert]{color:#a61b1b;font-weight:600}`;

function shell(title: string, body: string): string {
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${PAGE_STYLE}</style></head>
<body><header>Xác minh dữ liệu tiêm chủng Covid-19</header><main>${body}</main>
<script>addEventListener('pageshow', (e) => { if (e.persisted) location.reload(); });</script></body></html>`;
}

function loginPage(uid: string, error: string): string {
  return shell('Đăng nhập — vaxverify', `<h1>Đăng nhập</h1>
<p class="muted">Máy chủ đăng nhập thử nghiệm: mật khẩu là tên đăng nhập.</p>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${encodeURIComponent(uid)}">
<label for="login">Tên đăng nhập</label><input id="login" name="login" autocomplete="username" autocapitalize="none" autofocus required>
<label for="password">Mật khẩu</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Đăng nhập</button></form>`);
}

/** A finished or expired sign-in step, or any error of the provider: what happened and the way back, in Vietnamese. */
function expiredPage(code: string): string {
  return shell('Phiên đăng nhập đã kết thúc — vaxverify', `<h1>Phiên đăng nhập đã kết thúc</h1>
<p>Bước đăng nhập này đã hết hạn hoặc đã được dùng. Hãy quay lại ứng dụng và đăng nhập lại.</p>
<p class="muted">Mã lỗi: ${escapeHtml(code.slice(0, 60))}</p>`);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * POST JSON to a running API as a service account (client credentials): a fresh token per call,
 * so that it outlives any run. The campaign's scripts call the API this way.
 */
export async function postAsService(oidc: OidcProvider, clientId: string, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const authorization = `Bearer ${await oidc.serviceToken(clientId)}`;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body: JSON.stringify(body ?? {}) });
  return { status: res.status, body: (await res.json()) as any };
}
