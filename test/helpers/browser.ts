import { accessSync, constants, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run or scripts/chromium.sh); playwright-core never downloads a browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--lang=vi-VN',
];

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Screenshots of the main pages (gitignored, under the test output). */
export const SCREENSHOT_DIR = join(ROOT, '.cache', 'screenshots');

/** Same line as scripts/chromium.sh prints. */
export const CHROMIUM_MISSING = 'chromium is missing: run `sudo apt-get install -y chromium` (or set CHROMIUM_PATH)';

export function launchChromium(): Promise<Browser> {
  try {
    accessSync(CHROMIUM_PATH, constants.X_OK);
  } catch {
    return Promise.reject(new Error(CHROMIUM_MISSING));
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // A full national page is ~11,000 px tall (63 provinces, charts): on a loaded shared machine its capture took over the default 30 s.
  await page.screenshot({ path, fullPage: true, timeout: 90_000 });
  return path;
}
