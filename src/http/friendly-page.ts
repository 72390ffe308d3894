import type { Request, Response } from 'express';
import type { Principal } from '../auth/principal.js';
import { text, type Lang, type TextKey } from '../domain/i18n/index.js';

/**
 * The pages a person sees instead of a JSON error when a browser navigation is refused: 401
 * sends to the sign-in, 403 says who is signed in, whom to ask, and offers sign-out and the
 * user's own page. Texts come from the officers' catalogue (Vietnamese first, `?lang=en`).
 */
const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A browser navigation (not a script or an API client), which gets a page rather than JSON. */
export const wantsPage = (req: Request) => req.method === 'GET' && req.accepts(['json', 'html']) === 'html';

/** Paths whose refused navigations get a page: the dashboard and Bull Board. */
export const PAGE_PATHS = /^\/dashboard(\/|$)|^\/admin\/queues(\/|$)|^\/$/;

export function sendFriendlyPage(req: Request, res: Response, status: 401 | 403, who?: Principal): void {
  const lang: Lang = req.query.lang === 'en' ? 'en' : 'vi';
  const t = (k: TextKey, p?: Record<string, string | number>) => esc(text(k, lang, p));
  const login = `/auth/login?returnTo=${encodeURIComponent(req.originalUrl)}`;
  const roles = who ? who.roles.map((r) => (`role_${r}` as TextKey)).map((k) => text(k, lang)).join(', ') : '';
  const body = status === 401
    ? `<h1>${t('unauthenticated')}</h1><p><a class="button" href="${esc(login)}">${t('signIn')}</a></p>`
    : `<h1>${t('forbidden')}</h1>
<p>${esc(who?.name ?? who?.sub ?? '')} · ${t('yourRoles', { roles })}</p>
<p>${t('askWhom')}</p>
<p><a class="button" href="/dashboard">${t('goHome')}</a> <button type="button" id="sign-out" class="link">${t('logout')}</button></p>`;
  res.status(status).set('cache-control', 'no-store')
    .set('content-security-policy', "default-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'")
    .type('html').send(`<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('brand')}</title><link rel="stylesheet" href="/dashboard/assets/style.css">
<script type="module" src="/dashboard/assets/sign-out.js"></script></head>
<body><header class="top"><a class="brand" href="/dashboard">${t('brand')}</a></header>
<main class="friendly" id="friendly-${status}">${body}</main></body></html>`);
}
