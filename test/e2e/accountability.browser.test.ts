import { Worker, type FlowProducer } from 'bullmq';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { runRollup } from '../../src/dashboard/dashboard.service.js';
import { policyFromConfig } from '../../src/domain/rounds/policy.js';
import { CATALOGUE } from '../../src/domain/i18n/index.js';
import { communeSites, facilityIdOf } from '../../src/domain/synth/facilities.js';
import { FACILITY_HEADERS } from '../../src/facilities/facilities-csv.js';
import { VERIFICATION_QUEUE, createFlowProducer } from '../../queues/verification.queue.js';
import { ROUNDS_QUEUE } from '../../queues/rounds.queue.js';
import { processors } from '../../workers/processors.js';
import { createTestContext, waitFor, type TestContext } from '../helpers/context.js';
import { startAppWithAuth, type AppWithAuth } from '../helpers/app-with-auth.js';
import { MANY_PEOPLE_ONE_ADDRESS, signIn } from '../helpers/browser-sign-in.js';
import { launchChromium, screenshot } from '../helpers/browser.js';
import { seedRealLocalities } from '../helpers/dashboard-seed.js';
import { makeCitizens, makeDoses } from '../helpers/seed.js';
import { insertCitizens, insertDoses } from '../helpers/fixtures.js';
import { ISO_DATE, englishIn } from '../helpers/english.js';

/**
 * Issue 28's last pieces in Chromium, at laptop (1366×768) and phone (390×844) width: the police
 * undo an approval while the record has not been verified again (asked first, once however often
 * clicked, audited) and are told why once it has; the facility register's names on the record page
 * and, per facility, records to correct and overdue on the commune's page; the health officer's
 * headline and the line under it counting what the list holds after an explanation.
 * Data: the real administrative units; Thị trấn Tây Đằng (09619, Ba Vì) with 30 people whose doses
 * were given at its three sites and one site the register lacks, verified by the real worker.
 */
const COMMUNE = '09619';
const ROUND = `verification-${COMMUNE}-1`;
const LAPTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };
const OUTCOMES = ['corrected', 'review', 'not_found', 'invalid'] as const;
let ctx: TestContext;
let app: AppWithAuth;
let browser: Browser;
let flows: FlowProducer;
let workers: Worker[] = [];

const citizens = makeCitizens(COMMUNE, 30);
const doses = makeDoses(citizens, `R${COMMUNE}`);
const WRONG_DIGIT = 1; const YEAR_ONLY = 2; const UNKNOWN = 3; const YEAR_ONLY_2 = 4;
doses.forEach((d, i) => { d.facilityId = i === UNKNOWN ? 'F09619-9' : facilityIdOf(COMMUNE, 1 + (i % 3)); });
doses[WRONG_DIGIT]!.idNumber = doses[WRONG_DIGIT]!.idNumber.slice(0, 8) + String((Number(doses[WRONG_DIGIT]!.idNumber[8]) + 1) % 10) + doses[WRONG_DIGIT]!.idNumber.slice(9);
doses[YEAR_ONLY]!.dateOfBirth = doses[YEAR_ONLY]!.dateOfBirth.slice(0, 4);
doses[YEAR_ONLY_2]!.dateOfBirth = doses[YEAR_ONLY_2]!.dateOfBirth.slice(0, 4);
doses[UNKNOWN]!.fullName = 'Đinh Công Tráng';
doses[UNKNOWN]!.idNumber = '';
const sites = communeSites({ code: COMMUNE, name: 'Thị trấn Tây Đằng' });
const HEADS = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Đức Cường'];
const siteOf = (i: number) => sites.find((x) => x.facilityId === doses[i]!.facilityId)!;

async function startWorkers() {
  const deps = { config: app.config, db: ctx.db, queues: app.queues, flows, log: createLogger({ level: 'silent' }) };
  workers = [
    new Worker(VERIFICATION_QUEUE, await processors[VERIFICATION_QUEUE]!(deps), { connection: ctx.redis, prefix: ctx.prefix, concurrency: 2 }),
    new Worker(ROUNDS_QUEUE, await processors[ROUNDS_QUEUE]!(deps), { connection: ctx.redis, prefix: ctx.prefix, concurrency: 2 }),
  ];
}
const stopWorkers = async () => { await Promise.all(workers.splice(0).map((w) => w.close())); };

beforeAll(async () => {
  ctx = await createTestContext('acct');
  await seedRealLocalities(ctx.db.store);
  await insertCitizens(ctx.db.store, citizens);
  await insertDoses(ctx.db.store, doses);
  app = await startAppWithAuth(ctx, { env: { ...MANY_PEOPLE_ONE_ADDRESS }, log: createLogger({ level: 'error' }) });
  const campaign = await app.as('admin').put('/api/campaign', { nationalDeadline: new Date(Date.now() + 20 * 86_400_000).toISOString() });
  expect(campaign.status, campaign.text).toBe(200);
  flows = createFlowProducer(ctx.redis, ctx.prefix);
  await startWorkers();
  expect((await app.as('admin').post('/api/rounds', { localities: [COMMUNE] })).status).toBe(201);
  await waitFor(async () => ['awaiting_corrections', 'completed'].includes((await ctx.db.models.Round.findById(ROUND, { status: 1 }).lean())?.status ?? ''), 120_000, `round ${ROUND} verified`);
  // No worker until a test wants one: a correction round an approval starts waits, nothing is verified again.
  await stopWorkers();
  expect((await app.as('admin').put(`/api/localities/${COMMUNE}/correction-settings`, { signOffRequired: true })).status).toBe(200);
  // The facility register, as the campaign admin imports it.
  const csv = [FACILITY_HEADERS.join(','), ...sites.map((x, i) => [x.facilityId, x.name, COMMUNE, HEADS[i], `"${x.headTitle}"`, `0900 000 50${i}`].join(','))].join('\n');
  const imported = await app.as('admin').post('/api/facilities/import', { csv });
  expect(imported.body, imported.text).toMatchObject({ inserted: 3, rejected: 0 });
  await runRollup(ctx.db.store, policyFromConfig(app.config));
  browser = await launchChromium();
}, 300_000); // 10,599 real localities, a verification round by the real worker, Chromium launched

afterAll(async () => {
  await browser?.close();
  await stopWorkers();
  await flows?.close();
  await app?.close();
  await ctx?.close();
});

async function session(login: string, viewport: { width: number; height: number }): Promise<{ c: BrowserContext; page: Page }> {
  const c = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await c.newPage();
  await signIn(page, app.base, login);
  return { c, page };
}
/** Pages fetch and render asynchronously on a loaded machine: poll up to 20 s. */
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });
const overflowOf = (page: Page) => page.evaluate(() => { const g = globalThis as any; return g.document.documentElement.scrollWidth - g.innerWidth; });
/** What a page says, in Vietnamese only and with dates dd/mm/yyyy. */
async function vietnameseOnly(page: Page) {
  const text = await page.locator('main').innerText();
  expect(englishIn(text)).toEqual([]);
  expect(text).not.toMatch(ISO_DATE);
}

describe('issue 28: the police undo an approval while nothing has been verified again', () => {
  it('approve, then undo (asked first, a double click undoes once, audited); the record holds its old values again', async () => {
    const recordId = doses[WRONG_DIGIT]!.recordId;
    const list = await app.as('health-09619').get(`/api/localities/${COMMUNE}/worklist?limit=100`);
    const item = list.body.items.find((i: any) => i.recordId === recordId);
    const made = await app.as('health-09619').post('/api/corrections', { recordId, baseVersion: item.version, decision: 'confirm', values: { idNumber: item.suggested.idNumber } });
    expect(made.status, made.text).toBe(201);
    const id = made.body.correction._id;
    const { c, page } = await session('police-09619', LAPTOP);
    await page.goto(`${app.base}/dashboard/w/${COMMUNE}`);
    const row = page.locator(`#sign-off tbody tr[data-id="${id}"]`);
    await row.waitFor();
    // The record beside the change names its site from the register.
    await eventually(() => row.locator('dd.facility').textContent()).toContain(`${siteOf(WRONG_DIGIT).name} (${siteOf(WRONG_DIGIT).facilityId})`);
    await row.locator('button.approve').click();
    await row.locator('button.approve-yes').click();
    await eventually(() => row.locator('td.state').textContent()).toBe('Đã phê duyệt');
    expect(await row.locator('button.undo-approval').textContent()).toBe('Hoàn tác');
    expect(await row.locator('td.actions').textContent()).toContain('Có thể hoàn tác khi bản ghi chưa được đối chiếu lại');
    await vietnameseOnly(page);
    await screenshot(page, 'I28-A1-police-approved-undo-1366');
    // After a reload too: the approval is listed with its undo while the record has not been verified again.
    await page.reload();
    await row.waitFor();
    await eventually(() => row.locator('td.state').textContent()).toBe('Đã phê duyệt');
    await row.locator('button.undo-approval').click();
    await eventually(() => row.locator('.confirm').textContent()).toContain(`Bạn chắc chắn muốn: hoàn tác phê duyệt đính chính của bản ghi ${recordId} (bản ghi trở lại giá trị cũ)?`);
    await screenshot(page, 'I28-A2-police-undo-confirm-1366');
    await row.locator('button.undo-yes').dblclick();
    await eventually(() => row.locator('td.state').textContent()).toBe('Đã hoàn tác phê duyệt: bản ghi trở lại giá trị cũ, đính chính lại chờ phê duyệt');
    expect(await row.locator('button.approve').count()).toBe(1);
    await screenshot(page, 'I28-A3-police-undone-1366');
    const stored = (await ctx.db.models.Correction.findById(id).lean())!;
    expect(stored).toMatchObject({ status: 'awaiting_signoff', signOff: null, undo: { sub: 'police-09619', decision: 'approve' } });
    expect((await ctx.db.models.DoseRecord.findById(recordId).lean())!.idNumber).toBe(doses[WRONG_DIGIT]!.idNumber);
    expect(await ctx.db.models.AuditEntry.countDocuments({ action: 'correction.signOff.undo', sub: 'police-09619', 'before.decision': 'approve' })).toBe(1);
    // The change log names the act.
    const admin = await session('admin', LAPTOP);
    await admin.page.goto(`${app.base}/dashboard/l/${COMMUNE}`);
    await admin.page.locator('#signoff-audit').waitFor({ state: 'attached' });
    await eventually(() => admin.page.locator('#signoff-audit').textContent()).toContain(`Hoàn tác phê duyệt đính chính bản ghi ${recordId}`);
    await admin.c.close();
    await c.close();
  }, 120_000);

  it('on a phone: approved again, verified again by the workers, the undo is refused saying why', async () => {
    const recordId = doses[WRONG_DIGIT]!.recordId;
    const { c, page } = await session('police-09619', PHONE);
    await page.goto(`${app.base}/dashboard/w/${COMMUNE}`);
    const row = page.locator('#sign-off tbody tr[data-id]').filter({ hasText: recordId });
    await row.locator('button.approve').click();
    await row.locator('button.approve-yes').click();
    await eventually(() => row.locator('td.state').textContent()).toBe('Đã phê duyệt');
    await row.locator('button.undo-approval').click();
    await row.locator('button.undo-yes').waitFor();
    expect(await overflowOf(page)).toBeLessThanOrEqual(0);
    await vietnameseOnly(page);
    await screenshot(page, 'I28-A4-police-undo-confirm-390');
    const id = (await ctx.db.models.Correction.findOne({ recordId, status: 'applied' }).lean())!;
    await startWorkers();
    try {
      await waitFor(() => ctx.db.models.VerificationResult.exists({ recordId, createdAt: { $gt: id.signOff!.at! } }), 90_000, 'the record verified again');
    } finally {
      await stopWorkers();
    }
    await row.locator('button.undo-yes').click();
    await eventually(() => row.locator('td.state').textContent()).toBe('Lỗi: Bản ghi đã được đối chiếu lại sau khi phê duyệt: không thể hoàn tác, phê duyệt giữ nguyên');
    // The approval stands: nothing left to undo in the row.
    expect(await row.locator('td.actions button').count()).toBe(0);
    await screenshot(page, 'I28-A5-police-undo-refused-390');
    expect((await ctx.db.models.Correction.findById(id._id).lean())!.status).toBe('applied');
    await c.close();
  }, 150_000);
});

describe('issue 28: the facility register on the pages', () => {
  for (const viewport of [LAPTOP, PHONE]) {
    it(`the record page names the site where the dose was given (${viewport.width})`, async () => {
      const { c, page } = await session('health-09619', viewport);
      await page.goto(`${app.base}/dashboard/r/${doses[YEAR_ONLY]!.recordId}`);
      await eventually(() => page.locator('#record-facility').textContent()).toBe(`Cơ sở tiêm chủng: ${siteOf(YEAR_ONLY).name} (${siteOf(YEAR_ONLY).facilityId}) · Ngày tiêm 01/09/2021`);
      await screenshot(page, `I28-B-record-facility-${viewport.width}`);
      expect(await overflowOf(page)).toBeLessThanOrEqual(0);
      await vietnameseOnly(page);
      await c.close();
    }, 60_000);

    it(`the commune's page lists, per facility, its head, the records to correct and those overdue (${viewport.width})`, async () => {
      const { body } = await app.as('bavi').get(`/api/localities/${COMMUNE}/worklist?limit=100`);
      const { c, page } = await session('bavi', viewport);
      await page.goto(`${app.base}/dashboard/l/${COMMUNE}`);
      const rows = page.locator('#facilities tbody tr[data-facility]');
      await rows.first().waitFor();
      for (const [i, x] of sites.entries()) {
        const r = page.locator(`#facilities tbody tr[data-facility="${x.facilityId}"]`);
        expect(await r.locator('td.facility-name').textContent()).toBe(`${x.name}${x.facilityId}`);
        expect(await r.locator('td.head').textContent()).toBe(`${HEADS[i]} — ${x.headTitle} · 0900 000 50${i}`);
        const expected = body.items.filter((it: any) => it.facilityId === x.facilityId).length;
        expect(Number(await r.locator('td.to-correct').textContent())).toBe(expected);
        expect(await r.locator('td.overdue-count').textContent()).toBe('0');
      }
      expect(await page.locator('#facilities tbody tr[data-facility="F09619-9"] td.facility-name').textContent()).toBe('F09619-9F09619-9 · Chưa có trong danh mục cơ sở');
      const shown = (await rows.locator('td.to-correct').allTextContents()).reduce((n, v) => n + Number(v), 0);
      expect(shown).toBe(body.total);
      // The heads are people of the commune that its reminders and escalations reach.
      await eventually(() => page.locator('#contacts-list').textContent()).toContain(HEADS[0]!);
      await screenshot(page, `I28-C-commune-facilities-${viewport.width}`);
      expect(await overflowOf(page)).toBeLessThanOrEqual(0);
      await vietnameseOnly(page);
      await c.close();
    }, 60_000);
  }
});

/** The counts of the line under the headline, by outcome label. */
async function subLineCounts(page: Page): Promise<number> {
  const text = (await page.locator('#worklist-summary').textContent()) ?? '';
  return OUTCOMES.reduce((n, o) => n + Number(new RegExp(`${CATALOGUE[o].vi} (\\d+)`).exec(text)?.[1] ?? NaN), 0);
}

describe('issue 28: the health officer\'s headline and the line under it count what the list holds', () => {
  it('after an accepted explanation, at once and after a reload, at both widths', async () => {
    const { c, page } = await session('health-09619', LAPTOP);
    await page.goto(`${app.base}/dashboard/w/${COMMUNE}`);
    const listed = page.locator('table.worklist tbody tr[tabindex]');
    await listed.first().waitFor();
    await eventually(() => page.locator('#worklist-summary').textContent()).toMatch(/Tổng số/);
    const before = await listed.count();
    await eventually(() => page.locator('#left-to-do').textContent()).toBe(`Còn ${before} bản ghi cần xử lý`);
    await eventually(() => subLineCounts(page)).toBe(before);
    const row = page.locator(`table.worklist tbody tr[data-id="${doses[UNKNOWN]!.recordId}"]`);
    await row.locator('button.fix-one').click();
    await page.locator('#fix-decision').selectOption('explain');
    await page.locator('#fix-explanation').fill('Người ở tỉnh khác đến tiêm, chưa có trong CSDL dân cư của xã');
    await page.locator('#fix-send').click();
    await eventually(() => page.locator('tr.fix-row .act-result').textContent()).toBe('Đã ghi nhận giải trình');
    await eventually(() => page.locator('#left-to-do').textContent()).toBe(`Còn ${before - 1} bản ghi cần xử lý`);
    await eventually(() => subLineCounts(page)).toBe(before - 1);
    await screenshot(page, 'I28-D-health-headline-explained-1366');
    await page.reload();
    await listed.first().waitFor();
    await eventually(() => page.locator('#left-to-do').textContent()).toBe(`Còn ${before - 1} bản ghi cần xử lý`);
    await eventually(() => subLineCounts(page)).toBe(before - 1);
    expect(await listed.count()).toBe(before - 1);
    await vietnameseOnly(page);
    await c.close();
    const phone = await session('health-09619', PHONE);
    await phone.page.goto(`${app.base}/dashboard/w/${COMMUNE}`);
    await phone.page.locator('table.worklist tbody tr[tabindex]').first().waitFor();
    await eventually(() => phone.page.locator('#left-to-do').textContent()).toBe(`Còn ${before - 1} bản ghi cần xử lý`);
    await eventually(() => subLineCounts(phone.page)).toBe(before - 1);
    expect(await overflowOf(phone.page)).toBeLessThanOrEqual(0);
    await vietnameseOnly(phone.page);
    await screenshot(phone.page, 'I28-D-health-headline-explained-390');
    await phone.c.close();
  }, 120_000);
});
