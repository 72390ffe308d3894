import { readFileSync } from 'node:fs';
import { Worker, type FlowProducer } from 'bullmq';
import { parse as parseCsv } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { runRollup } from '../../src/services/dashboard.service.js';
import { policyFromConfig } from '../../src/domain/rounds/policy.js';
import { VERIFICATION_QUEUE, createFlowProducer } from '../../queues/verification.queue.js';
import { processors } from '../../workers/processors.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { startAppWithAuth, type AppWithAuth } from '../helpers/app-with-auth.js';
import { signIn } from '../helpers/browser-sign-in.js';
import { launchChromium, screenshot } from '../helpers/browser.js';
import { seedCampaignRounds, seedContacts, seedRealLocalities } from '../helpers/dashboard-seed.js';
import { insertCitizens, insertDoses, makeCitizens, makeDoses } from '../helpers/seed.js';

/**
 * The dashboard in Chromium (playwright-core driving /usr/bin/chromium), signed in through the
 * local OIDC provider's real login page as each kind of user: the ministry drills down from
 * the nation to a commune and sees the charts; a province coordinator sees only their province;
 * the commune health officer downloads the worksheet, uploads a filled one and sees the rejected
 * rows; the commune police officer signs off. Screenshots go to .cache/screenshots.
 * Data: the real administrative units, synthetic settled rounds for three provinces, and a real
 * verification round of commune 09619 (Thị trấn Tây Đằng, Ba Vì, Hà Nội) run by the worker.
 */
const COMMUNE = '09619';
const ROUND = `verification-${COMMUNE}-1`;
let ctx: TestContext;
let app: AppWithAuth;
let browser: Browser;
let worker: Worker;
let flows: FlowProducer;

const citizens = makeCitizens(COMMUNE, 30);
const doses = makeDoses(citizens, `R${COMMUNE}`);
// As sites typed them: a wrong digit in the ID (→ corrected) and a person not in the registry (→ not_found).
doses[1]!.idNumber = doses[1]!.idNumber.slice(0, 8) + String((Number(doses[1]!.idNumber[8]) + 1) % 10) + doses[1]!.idNumber.slice(9);
doses[2]!.dateOfBirth = doses[2]!.dateOfBirth.slice(0, 4);
doses[3]!.fullName = 'Đinh Công Tráng';
doses[3]!.idNumber = '';

beforeAll(async () => {
  ctx = await createTestContext('dashb');
  const { models } = ctx.db;
  const now = new Date();
  const { provinces } = await seedRealLocalities(models);
  // Three provinces' communes get synthetic settled rounds; 09619 and 09625 are left to the worker.
  await seedCampaignRounds(models, { now, provinces: ['01', '48', '79'], skip: [COMMUNE, '09625'] });
  await seedContacts(models, provinces);
  await insertCitizens(models, citizens);
  await insertDoses(models, doses);

  app = await startAppWithAuth(ctx, { log: createLogger({ level: 'error' }) });
  // The national deadline 20 days ahead, set as a campaign admin would.
  const campaign = await app.as('admin').put('/api/campaign', { nationalDeadline: new Date(now.getTime() + 20 * 86_400_000).toISOString() });
  expect(campaign.status, campaign.text).toBe(200);
  const created = await app.as('admin').post('/api/rounds', { localities: [COMMUNE] });
  expect(created.status, created.text).toBe(201);
  flows = createFlowProducer(ctx.redis, ctx.prefix);
  const processor = await processors[VERIFICATION_QUEUE]!({ config: app.config, db: ctx.db, queues: app.queues, flows, log: createLogger({ level: 'silent' }) });
  worker = new Worker(VERIFICATION_QUEUE, processor, { connection: ctx.redis, prefix: ctx.prefix, concurrency: 2 });
  await waitFor(async () => ['awaiting_corrections', 'completed'].includes((await models.Round.findById(ROUND, { status: 1 }).lean())?.status ?? ''), 120_000, `round ${ROUND} verified`);
  // The commune requires the police's sign-off: the health officer's changes wait for it.
  const setting = await app.as('admin').put(`/api/localities/${COMMUNE}/correction-settings`, { signOffRequired: true });
  expect(setting.status, setting.text).toBe(200);
  await runRollup(models, policyFromConfig(app.config));
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await worker?.close();
  await flows?.close();
  await app?.close();
  await ctx?.close();
});

async function session(login: string, viewport = { width: 1366, height: 900 }): Promise<{ c: BrowserContext; page: Page }> {
  const c = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true });
  const page = await c.newPage();
  await signIn(page, app.base, login);
  return { c, page };
}

/** Pages fetch and render asynchronously on a loaded machine: poll up to 20 s. */
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });

/** A chart is drawn when Chart.js holds an instance for its canvas. */
// Runs in the page (the test's tsconfig has no DOM types: the page's globals are reached through globalThis).
const chartDrawn = (page: Page, id: string) => page.evaluate((i) => {
  const g = globalThis as any;
  const canvas = g.document.getElementById(i);
  const chart = canvas && g.Chart.getChart(canvas);
  return chart ? chart.data.datasets.reduce((n: number, d: { data: unknown[] }) => n + d.data.filter((x) => x !== null && x !== 0).length, 0) : -1;
}, id);

describe('ministry user', () => {
  it('drills down nation → province → district → commune, with charts, filters and linkable URLs', async () => {
    const { c, page } = await session('ministry');
    await page.goto(`${app.base}/dashboard`);
    await eventually(() => page.locator('h1').textContent()).toBe('Toàn quốc');
    await page.locator('table.units tbody tr').first().waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('vi');
    expect(await page.locator('table.units tbody tr').count()).toBe(63);
    for (const id of ['chart-progress', 'chart-mix', 'chart-rank']) expect(await chartDrawn(page, id)).toBeGreaterThan(0);
    await eventually(() => page.locator('.projection').textContent()).toMatch(/Dự kiến hoàn thành: \d{2}\/\d{2}\/\d{4}/);
    await eventually(() => page.locator('.card.deadline').textContent()).toMatch(/\d{2}\/\d{2}\/\d{4}.*còn (19|20) ngày/);
    await eventually(() => page.locator('.cards').textContent()).toContain('Đã xác minh');
    await screenshot(page, '01-ministry-nation');

    await page.getByRole('link', { name: 'Thành phố Hà Nội', exact: true }).click();
    await page.waitForURL(/\/dashboard\/l\/01$/);
    await eventually(() => page.locator('h1').textContent()).toContain('Hà Nội');
    expect(await page.locator('table.units tbody tr').count()).toBe(30);
    expect(await chartDrawn(page, 'chart-rank')).toBeGreaterThan(0);
    await screenshot(page, '02-ministry-province-01');

    await page.getByRole('link', { name: 'Huyện Ba Vì', exact: true }).click();
    await page.waitForURL(/\/dashboard\/l\/271$/);
    await eventually(() => page.locator('.contacts').textContent()).toContain('Chủ tịch UBND huyện Ba Vì');
    // Only overdue: the filter and the sort live in the URL.
    await page.locator('#only').selectOption('overdue');
    await page.waitForURL(/only=overdue/);
    await eventually(async () => (await page.locator('table.units tbody tr').allTextContents()).every((t) => t.includes('Quá hạn'))).toBe(true);
    await page.getByRole('button', { name: /% xác minh/ }).click();
    await page.waitForURL(/sort=pct/);
    await screenshot(page, '03-ministry-district-271-overdue');
    // The URL is linkable: a new page on it shows the same filtered view.
    const linked = await c.newPage();
    await linked.goto(page.url());
    await eventually(() => linked.locator('#only').inputValue()).toBe('overdue');
    await linked.close();

    await page.locator('#only').selectOption('');
    await page.getByRole('link', { name: 'Thị trấn Tây Đằng', exact: true }).click();
    await page.waitForURL(/\/dashboard\/l\/09619$/);
    await eventually(() => page.locator('.contacts').textContent()).toContain('Trưởng trạm y tế Tây Đằng');
    const total = await page.locator('.cards .card').first().locator('b').textContent();
    expect(Number(total)).toBe(doses.length);
    await screenshot(page, '04-ministry-commune-09619');

    // English as a switch.
    await page.locator('#lang').click();
    await eventually(() => page.locator('.cards').textContent()).toContain('Verified');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.locator('#lang').click();
    await eventually(() => page.locator('.cards').textContent()).toContain('Đã xác minh');
    await c.close();
  });

  it('fits a phone screen', async () => {
    const { c, page } = await session('ministry', { width: 390, height: 844 });
    await page.goto(`${app.base}/dashboard/l/01`);
    await page.locator('table.units tbody tr').first().waitFor();
    const overflow = await page.evaluate(() => { const g = globalThis as any; return g.document.documentElement.scrollWidth - g.innerWidth; });
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, '05-phone-province-01');
    await c.close();
  });
});

describe('province coordinator', () => {
  it('lands on their province and cannot read the nation or another province', async () => {
    const { c, page } = await session('hanoi');
    await page.goto(`${app.base}/dashboard`);
    await page.waitForURL(/\/dashboard\/l\/01$/);
    await page.locator('table.units tbody tr').first().waitFor();
    const statuses = await page.evaluate(async () => Promise.all(['VN', '79', '01'].map(async (c) => (await fetch(`/api/dashboard/progress/${c}`)).status)));
    expect(statuses).toEqual([403, 403, 200]);
    await page.goto(`${app.base}/dashboard/l/79`);
    await eventually(() => page.locator('.notice').textContent()).toContain('không có quyền');
    await c.close();
  });
});

describe('commune health officer', () => {
  it('works the worklist by keyboard, downloads the worksheet and uploads a filled one with a bad row', async () => {
    const { c, page } = await session('health-09619');
    await page.goto(`${app.base}/dashboard`);
    await page.waitForURL(/\/dashboard\/w\/09619$/);
    await page.locator('table.worklist tbody tr[tabindex]').first().waitFor();
    const rows = await page.locator('table.worklist tbody tr[tabindex]').count();
    expect(rows).toBeGreaterThanOrEqual(3);
    await eventually(() => page.locator('h1').textContent()).toContain('Tây Đằng');
    await screenshot(page, '06-health-worklist');

    // Keyboard: j moves to the first row, Enter opens its history, Back returns.
    await page.locator('body').click();
    await page.keyboard.press('j');
    const focused = await page.evaluate(() => (globalThis as any).document.activeElement?.dataset.id);
    expect(focused).toMatch(/^R09619-/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/dashboard\/r\//);
    await eventually(() => page.locator('table.history tbody').textContent()).toContain(ROUND);
    await screenshot(page, '07-health-record-history');
    await page.goBack();
    await page.locator('table.worklist tbody tr[tabindex]').first().waitFor();

    // Filter by outcome.
    await page.locator('#outcome').selectOption('not_found');
    await page.waitForURL(/outcome=not_found/);
    await eventually(async () => (await page.locator('table.worklist tbody tr[tabindex]').allTextContents()).every((t) => t.includes('Không tìm thấy'))).toBe(true);
    await page.locator('#outcome').selectOption('');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const sheet: Record<string, string>[] = parseCsv(csv, { columns: true, bom: true });
    expect(sheet.length).toBe(rows);
    const wrongDigit = sheet.find((r) => r.recordId === doses[1]!.recordId)!;
    const yearOnly = sheet.find((r) => r.recordId === doses[2]!.recordId)!;
    wrongDigit.decision = 'confirm';
    yearOnly.decision = 'confirm';
    yearOnly.corrected_idNumber = '003085012345'; // province code 003 does not exist: refused with a reason
    const filled = Buffer.from(`\uFEFF${stringify(sheet, { header: true, columns: Object.keys(sheet[0]!) })}`);

    await page.locator('#worksheet-file').setInputFiles({ name: 'worklist-09619.csv', mimeType: 'text/csv', buffer: filled });
    await page.locator('#upload-btn').click();
    await page.locator('#upload-result').waitFor();
    await eventually(() => page.locator('#upload-result').textContent()).toMatch(/Chờ công an xã xác nhận: 1/);
    expect(await page.locator('#upload-result').textContent()).toMatch(/Đã áp dụng: 0/);
    // The health station sees what waits for the police.
    await eventually(() => page.locator('#sign-off tbody tr').count()).toBe(1);
    const rejected = await page.locator('table.rejected tbody tr').allTextContents();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toContain(doses[2]!.recordId);
    expect(rejected[0]).toContain('003');
    await screenshot(page, '08-health-upload-result');
    await c.close();
  });
});

describe('commune police officer', () => {
  it('signs off the correction the health station uploaded, which is then applied', async () => {
    const { c, page } = await session('police-09619');
    await page.goto(`${app.base}/dashboard`);
    await page.waitForURL(/\/dashboard\/w\/09619$/);
    await page.locator('#sign-off tbody tr').first().waitFor();
    // The police see no worklist (the API does not give it to them), only the sign-off step.
    expect(await page.locator('table.worklist:not(.sign-off)').count()).toBe(0);
    const row = page.locator('#sign-off tbody tr');
    expect(await row.count()).toBe(1);
    expect(await row.textContent()).toContain(doses[1]!.recordId);
    await screenshot(page, '09-police-sign-off');
    await row.locator('button.approve').focus();
    await page.keyboard.press('Enter');
    await eventually(() => row.locator('td.state').textContent()).toBe('Đã xác nhận');
    await screenshot(page, '10-police-signed-off');
    const list = await app.as('admin').get(`/api/localities/${COMMUNE}/corrections`);
    const mine = list.body.items.find((x: { recordId: string }) => x.recordId === doses[1]!.recordId);
    expect(mine).toMatchObject({ status: 'applied', signOff: { decision: 'approve' } });
    await c.close();
  });
});
