import type { Page } from 'playwright-core';

/**
 * Sign a browser in through the app: /auth/login → the local provider's real login page (password
 * = login name) → /auth/callback → back on the app. Resolves once the browser is on `baseUrl`.
 */
export async function signIn(page: Page, baseUrl: string, login: string, returnTo = '/dashboard'): Promise<void> {
  await page.goto(`${baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(login);
  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(baseUrl), { timeout: 20_000 }),
    page.locator('button[type="submit"]').click(),
  ]);
}
