import { join } from 'node:path';
import express, { Router } from 'express';
import { PROJECT_ROOT } from '../lib/paths.js';
import { MATCHER_REASONS, dictionary } from '../domain/i18n/index.js';

/**
 * The operators' campaign dashboard: static pages (src/http/dashboard-public) that read the
 * dashboard API and the worklist API. Every `/dashboard/...` path answers the same page shell;
 * the script routes on the path, so every view has a linkable URL:
 *   /dashboard                    the nation (provinces)
 *   /dashboard/l/:code            a province, district or commune, ?only=overdue|at_risk&sort=&dir=
 *   /dashboard/w/:code            a commune's worklist, worksheet download/upload, sign-off
 *   /dashboard/r/:recordId        a record's history
 * `?lang=en` switches to English (Vietnamese first). Chart.js is served from node_modules (no CDN).
 * No personal data is in these files; the worklist page shows the commune's records to its officers.
 */
export const DASHBOARD_ASSETS = join(PROJECT_ROOT, 'src', 'http', 'dashboard-public');
const CHART_JS = join(PROJECT_ROOT, 'node_modules', 'chart.js', 'dist', 'chart.umd.min.js');

const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

export function dashboardRouter(): Router {
  const r = Router();
  r.use('/dashboard/assets', express.static(DASHBOARD_ASSETS, { index: false, maxAge: '5m' }));
  // The officers' catalogue (src/domain/i18n), the one source of every text the pages show.
  const catalogue = `export const VI = ${JSON.stringify(dictionary('vi'))};\nexport const EN = ${JSON.stringify(dictionary('en'))};\nexport const REASONS = ${JSON.stringify(MATCHER_REASONS)};\n`;
  r.get('/dashboard/assets/catalogue.js', (_req, res) => {
    res.type('text/javascript').set('cache-control', 'public, max-age=300').send(catalogue);
  });
  r.get('/dashboard/assets/vendor/chart.umd.min.js', (_req, res) => {
    res.sendFile(CHART_JS, { maxAge: '1d' });
  });
  r.get(['/dashboard', '/dashboard/{*rest}'], (_req, res) => {
    res.set('Content-Security-Policy', CSP);
    res.set('cache-control', 'no-cache');
    res.sendFile(join(DASHBOARD_ASSETS, 'index.html'));
  });
  r.get('/', (_req, res) => res.redirect('/dashboard'));
  return r;
}
