import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { startAppWithAuth, type AppWithAuth } from '../helpers/app-with-auth.js';
import { signIn } from '../helpers/browser-sign-in.js';
import { cookieJarFetch } from '../../stand-ins/oidc/provider.js';

let ctx: TestContext;
let app: AppWithAuth;

beforeAll(async () => {
  ctx = await createTestContext('auth');
  app = await startAppWithAuth(ctx);
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

/** Follow the authorization-code flow like a browser would, with a cookie jar, without one. */
async function signInOverHttp(login: string, password = login) {
  const { jar, go } = cookieJarFetch();
  let res = await go(`${app.base}/auth/login?returnTo=/dashboard`);
  const cookies: string[] = [];
  for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops++) {
    const url = new URL(res.headers.get('location')!, res.url || app.base).toString();
    res = url.includes('/interaction/')
      ? await go(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ login, password }).toString() })
      : await go(url);
    if (url.startsWith(`${app.base}/auth/callback`)) {
      cookies.push(...res.headers.getSetCookie());
      break; // the app's answer to the callback: a session and the redirect to returnTo
    }
  }
  return { jar, res, cookies, go };
}

describe('sign-in (authorization code + PKCE against the local provider)', () => {
  it('anonymous requests get 401, /healthz answers, a browser navigation to the dashboard is sent to sign in', async () => {
    expect((await app.as(null).get('/api/me')).status).toBe(401);
    expect((await app.as(null).get('/api/rounds/x')).status).toBe(401);
    expect((await app.as(null).get('/healthz')).status).toBe(200);
    const nav = await app.as(null).request('/dashboard', { headers: { accept: 'text/html' } });
    expect(nav.status).toBe(302);
    expect(nav.headers.get('location')).toBe('/auth/login?returnTo=%2Fdashboard');
  });

  it('a bearer token from the provider identifies the user; a tampered or foreign token is refused', async () => {
    const me = await app.as('coord-001').get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ sub: 'coord-001', roles: ['district_coordinator'], localities: ['001'], kind: 'user', csrfToken: null });
    const token = await app.as('coord-001').token();
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, roles: ['ministry'] })).toString('base64url')}.${s}`;
    const res = await fetch(`${app.base}/api/me`, { headers: { authorization: `Bearer ${forged}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('a service account signs in with client credentials', async () => {
    const token = await app.oidc.serviceToken('bavi-script');
    const res = await fetch(`${app.base}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(await res.json()).toMatchObject({ sub: 'bavi-script', roles: ['district_coordinator'], localities: ['271'], kind: 'service' });
  });

  it('the code flow sets an httpOnly SameSite session cookie; state changes need the CSRF header', async () => {
    const { jar, res, cookies, go } = await signInOverHttp('coord-001');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const session = cookies.find((c) => c.startsWith('vv_session='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    const me = await go(`${app.base}/api/me`);
    const body = (await me.json()) as { csrfToken: string };
    expect(body).toMatchObject({ sub: 'coord-001', roles: ['district_coordinator'] });
    expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);
    // Without the header a cookie-authenticated POST is refused before it reaches the route.
    const noCsrf = await go(`${app.base}/api/rounds`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ localities: ['00001'] }) });
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { error: { code: string } }).error.code).toBe('csrf');
    const out = await go(`${app.base}/auth/logout`, { method: 'POST', headers: { 'x-csrf-token': body.csrfToken } });
    expect(out.status).toBe(200);
    expect(jar.has('vv_session')).toBe(false);
    expect((await go(`${app.base}/api/me`)).status).toBe(401);
  });

  it('a wrong password never gets a session', async () => {
    const { jar } = await signInOverHttp('coord-001', 'wrong');
    expect(jar.has('vv_session')).toBe(false);
  });

  it('a callback without a pending sign-in is refused', async () => {
    const res = await app.as(null).get('/auth/callback?code=abc&state=def');
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('no_login');
  });

  describe('in a real browser', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: '/usr/bin/chromium',
        args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      });
    });
    afterAll(async () => { await browser?.close(); });

    it('signIn drives the provider login page and lands back on the app with a session', async () => {
      const page = await browser.newPage();
      await signIn(page, app.base, 'admin', '/api/me');
      expect(page.url()).toBe(`${app.base}/api/me`);
      const me = JSON.parse((await page.locator('body').textContent()) ?? '{}');
      expect(me).toMatchObject({ sub: 'admin', roles: ['campaign_admin'] });
      const cookie = (await page.context().cookies(app.base)).find((c) => c.name === 'vv_session');
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
      await page.close();
    });
  });
});
