import type { Page } from 'playwright-core';

/**
 * Sign a browser in through the app: /auth/login → the local provider's real login page (password
 * = login name) → /auth/callback → back on the app. Resolves once the browser is on the app past
 * `/auth/`; a sign-in the app refused (its per-address limit, a failed callback) throws with the
 * page's own words, not a later wait for an element that never renders.
 */
export async function signIn(page: Page, baseUrl: string, login: string, returnTo = '/dashboard'): Promise<void> {
  await page.goto(`${baseUrl}/auth/login?returnTo=${encodeURIComponent(returnTo)}`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(login);
  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(baseUrl), { timeout: 20_000 }),
    page.locator('button[type="submit"]').click(),
  ]);
  const at = new URL(page.url()).pathname;
  if (at.startsWith('/auth/')) throw new Error(`sign-in of ${login} did not finish: still on ${at}: ${(await page.locator('body').innerText()).slice(0, 200)}`);
}

/**
 * A browser file signs in dozens of people from one address (127.0.0.1) within a minute or two;
 * the app's per-address sign-in limit (`SIGN_IN_RATE_PER_MIN`, 30: fifteen sign-ins) is for one
 * station's machines and is tested on its own (security-findings.test). These files lift it.
 */
export const MANY_PEOPLE_ONE_ADDRESS = { SIGN_IN_RATE_PER_MIN: '100000' } as const;
