import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/lib/logger.js';
import { runRollup } from '../../src/dashboard/dashboard.service.js';
import { policyFromConfig } from '../../src/domain/rounds/policy.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { startAppWithAuth, type AppWithAuth } from '../helpers/app-with-auth.js';
import { MANY_PEOPLE_ONE_ADDRESS, signIn } from '../helpers/browser-sign-in.js';
import { launchChromium, screenshot } from '../helpers/browser.js';
import { seedCampaignRounds, seedRealLocalities } from '../helpers/dashboard-seed.js';
import { createTelemetry, outageDeadlinePolicy, registerWaits } from '../../src/registry/index.js';
import { createSharedBreaker } from '../../src/registry/shared-breaker.js';
import { deadlineDepsFromConfig } from '../../src/deadlines/deps.js';
import { queuedRoundEvents } from '../../src/rounds/round-events.js';
import { DEADLINES_QUEUE } from '../../queues/deadlines.queue.js';
import { NOTIFICATIONS_QUEUE } from '../../queues/notifications.queue.js';
import { ROUNDS_QUEUE } from '../../queues/rounds.queue.js';

/**
 * Issue 28, the levels above a commune: the nation's, a province's and a district's own deadline
 * set from their pages by the roles allowed (the same control as a commune's, the same rule), with
 * "a lower level never exceeds a higher one" shown and enforced by the API in Vietnamese; and a
 * coordinator starting a verification round of their area from its page, once however often they
 * click. Data: the real administrative units, synthetic rounds for Hà Nội (open ones end between
 * 4 days ago and 6 days ahead), the national deadline 20 days ahead.
 */
const DAY = 86_400_000;
const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1366, height: 768 };
let ctx: TestContext;
let app: AppWithAuth;
let browser: Browser;
let national: Date;

beforeAll(async () => {
  ctx = await createTestContext('levels');
  await seedRealLocalities(ctx.db.store);
  await seedCampaignRounds(ctx.db.store, { now: new Date(), provinces: ['01'] });
  app = await startAppWithAuth(ctx, { env: { ...MANY_PEOPLE_ONE_ADDRESS }, log: createLogger({ level: 'error' }) });
  national = new Date(Math.floor((Date.now() + 20 * DAY) / 60_000) * 60_000);
  const set = await app.as('admin').put('/api/campaign', { nationalDeadline: national.toISOString() });
  expect(set.status, set.text).toBe(200);
  await runRollup(ctx.db.store, policyFromConfig(app.config));
  browser = await launchChromium();
  // Real units (10,000+ rows), 579 rounds and a rollup on a shared 2-core machine.
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await ctx?.close();
});

async function session(login: string, viewport = LAPTOP): Promise<{ c: BrowserContext; page: Page }> {
  const c = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  const page = await c.newPage();
  await signIn(page, app.base, login);
  return { c, page };
}
/** Pages fetch and render asynchronously on a loaded machine: poll up to 20 s. */
const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });
/** A moment as typed in the page: dd/mm/yyyy and hh:mm in Vietnam's time. */
const vn = (d: Date) => {
  const iso = new Date(d.getTime() + 7 * 3_600_000).toISOString();
  return { day: `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`, time: iso.slice(11, 16) };
};
const overflowOf = (page: Page) => page.evaluate(() => { const g = globalThis as any; return g.document.documentElement.scrollWidth - g.innerWidth; });
const campaign = async () => (await ctx.db.models.Campaign.findById('default').lean()) as any;

async function setDeadline(page: Page, at: Date) {
  const { day, time } = vn(at);
  await page.locator('#deadline-date').fill(day);
  await page.locator('#deadline-time').fill(time);
  await page.locator('#act-set').click();
  await page.locator('#act-set-yes').click();
}

describe('issue 28: deadlines of the nation, a province and a district, from their pages', () => {
  it('the campaign admin extends the national deadline from the national page, audited', async () => {
    const { c, page } = await session('admin');
    await page.goto(`${app.base}/dashboard`);
    await page.locator('#level-deadline #act-extend').waitFor();
    expect(await page.locator('#level-deadline h2').textContent()).toBe('Hạn chót toàn quốc');
    await eventually(() => page.locator('#level-deadline #current-deadline').textContent()).toBe(`Hạn chót hiện tại: ${vn(national).day} ${vn(national).time}`);
    // Not whole days ≥ 1: refused on the page, nothing sent.
    await page.locator('#extend-days').fill('-1');
    await page.locator('#act-extend').click();
    await eventually(() => page.locator('#act-result').textContent()).toBe('Lỗi: Số ngày gia hạn phải là số nguyên từ 1 đến 30');
    await page.locator('#extend-days').fill('2');
    await page.locator('#act-extend').click();
    await eventually(() => page.locator('#level-deadline .confirm').textContent()).toContain('gia hạn thêm 2 ngày');
    await page.locator('#act-extend-yes').click();
    await eventually(() => page.locator('#act-result').textContent()).toMatch(/^Đã đổi hạn chót thành \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    national = new Date(national.getTime() + 2 * DAY);
    expect((await campaign()).nationalDeadline.getTime()).toBe(national.getTime());
    expect(await ctx.db.models.AuditEntry.countDocuments({ action: 'level.deadline', sub: 'admin', 'after.act': 'extend', 'after.level': 'national' })).toBe(1);
    await screenshot(page, 'L1-admin-national-deadline-1366');
    await c.close();
  }, 120_000);

  it('a province coordinator sets the province deadline, never later than the nation\'s, the rule shown', async () => {
    const { c, page } = await session('hanoi');
    await page.goto(`${app.base}/dashboard/l/01`);
    await page.locator('#level-deadline #act-set').waitFor();
    expect(await page.locator('#level-deadline h2').textContent()).toBe('Hạn chót của tỉnh/thành phố');
    expect(await page.locator('#level-deadline #current-deadline').textContent()).toBe('Hạn chót hiện tại: —');
    expect(await page.locator('#deadline-above').textContent()).toBe(`Hạn chót cấp trên: toàn quốc — ${vn(national).day} ${vn(national).time}`);
    expect(await page.locator('#deadline-rule').textContent()).toContain('không được muộn hơn hạn chót của cấp trên');
    // Nothing to extend yet: said so, on the page.
    await page.locator('#act-extend').click();
    await eventually(() => page.locator('#act-result').textContent()).toBe('Lỗi: chưa có hạn chót để gia hạn: hãy đặt hạn chót');
    // Later than the nation's: refused by the API, naming the problem.
    await setDeadline(page, new Date(national.getTime() + DAY));
    await eventually(() => page.locator('#act-result').textContent()).toMatch(/^Lỗi: Hạn chót: \d{2}\/\d{2}\/\d{4} \d{2}:\d{2} muộn hơn hạn chót toàn quốc \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    expect((await campaign()).provinces ?? []).toEqual([]);
    const province = new Date(national.getTime() - 2 * DAY);
    await setDeadline(page, province);
    await eventually(() => page.locator('#act-result').textContent()).toBe(`Đã đổi hạn chót thành ${vn(province).day} ${vn(province).time}`);
    expect((await campaign()).provinces.find((p: any) => p.provinceCode === '01').deadline.getTime()).toBe(province.getTime());
    await screenshot(page, 'L2-province-coordinator-deadline-1366');
    // The nation's page is not theirs, nor is the nation's deadline.
    expect((await app.as('hanoi').put('/api/deadlines/VN', { extendByDays: 1, reason: 'thử quyền' })).status).toBe(403);
    await c.close();
  }, 120_000);

  it('the district coordinator sets the district deadline between the province\'s and its communes\' rounds; a commune round then obeys it', async () => {
    const province = (await campaign()).provinces.find((p: any) => p.provinceCode === '01').deadline as Date;
    const { c, page } = await session('bavi', PHONE);
    await page.goto(`${app.base}/dashboard/l/271`);
    await page.locator('#level-deadline #act-set').waitFor();
    expect(await page.locator('#deadline-above').textContent()).toBe(`Hạn chót cấp trên: Thành phố Hà Nội — ${vn(province).day} ${vn(province).time}`);
    // Later than the province's: refused, naming the province.
    await setDeadline(page, new Date(province.getTime() + 60 * 60_000));
    await eventually(() => page.locator('#act-result').textContent()).toMatch(/^Lỗi: Hạn chót: .* muộn hơn hạn chót của Thành phố Hà Nội \(\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\): hạn chót của cấp dưới không được muộn hơn cấp trên$/);
    // Earlier than some of its communes' open rounds: refused, naming one and how many.
    await setDeadline(page, new Date(Date.now() + 2 * 3_600_000));
    await eventually(() => page.locator('#act-result').textContent()).toMatch(/^Lỗi: Hạn chót: .* sớm hơn hạn chót của \d+ địa phương cấp dưới, như (Xã|Thị trấn) .+ \(\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}\): hãy rút ngắn hạn chót của cấp dưới trước$/);
    expect((await campaign()).districts ?? []).toEqual([]);
    await screenshot(page, 'L3-district-deadline-refused-390');
    const district = new Date(province.getTime() - 3 * DAY);
    await setDeadline(page, district);
    await eventually(() => page.locator('#act-result').textContent()).toBe(`Đã đổi hạn chót thành ${vn(district).day} ${vn(district).time}`);
    expect((await campaign()).districts.find((d: any) => d.districtCode === '271').deadline.getTime()).toBe(district.getTime());
    expect(await overflowOf(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'L4-district-deadline-set-390');
    // A commune round of the district can no longer pass it: the error names the district.
    const open = await ctx.db.models.Locality.find({ districtCode: '271', level: 'commune' }, { code: 1 }).lean();
    const round = await ctx.db.models.Round.findOne({ localityCode: { $in: open.map((l) => l.code) }, status: { $in: ['awaiting_corrections', 'verifying', 'scheduled'] } }, { _id: 1 }).lean();
    const late = await app.as('bavi').patch(`/api/rounds/${round!._id}/deadline`, { deadline: new Date(district.getTime() + DAY).toISOString(), reason: 'thử quy tắc' });
    expect(late.status).toBe(400);
    expect(late.body.error.details.problems[0]).toMatchObject({ key: 'err.deadline.afterHigher', params: { name: 'Huyện Ba Vì' } });
    // The province is above them.
    expect((await app.as('bavi').put('/api/deadlines/01', { extendByDays: 1, reason: 'thử quyền' })).status).toBe(403);
    await c.close();
  }, 120_000);

  it('a read-only role is not offered the control; the API refuses a fractional extension in Vietnamese', async () => {
    const { c, page } = await session('ministry');
    await page.goto(`${app.base}/dashboard/l/271`);
    await page.locator('table.units tbody tr').first().waitFor();
    expect(await page.locator('#level-deadline').count()).toBe(0);
    expect(await page.locator('#start-round').count()).toBe(0);
    await c.close();
    const bad = await app.as('admin').put('/api/deadlines/271', { extendByDays: 0.5, reason: 'thử' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0]).toMatchObject({ key: 'err.deadline.days' });
  }, 60_000);
});

describe('issue 28: a coordinator starts a verification round of their area from its page', () => {
  it('once, however often they click: the round number is fixed when the panel is drawn', async () => {
    const communes = (await ctx.db.models.Locality.find({ districtCode: '271', level: 'commune' }, { code: 1 }).lean()).map((l) => l.code);
    const { c, page } = await session('bavi');
    await page.goto(`${app.base}/dashboard/l/271`);
    await page.locator('#act-start-round').waitFor();
    expect(await page.locator('#start-round').textContent()).toContain('Đợt tiếp theo: đợt 2');
    await page.locator('#act-start-round').click();
    await eventually(() => page.locator('#start-round .confirm').textContent()).toContain('Bạn chắc chắn muốn: bắt đầu đợt xác minh 2 cho Huyện Ba Vì?');
    await page.locator('#act-start-round-yes').click();
    await eventually(() => page.locator('#start-round-result').textContent()).toBe(`Đã bắt đầu ${communes.length} đợt xác minh; 0 đợt đã có từ trước`);
    await screenshot(page, 'L5-district-start-round-1366');
    // Again from the same page (a double click, a retry): no second round.
    await page.locator('#act-start-round').click();
    await page.locator('#act-start-round-yes').click();
    await eventually(() => page.locator('#start-round-result').textContent()).toBe(`Đã bắt đầu 0 đợt xác minh; ${communes.length} đợt đã có từ trước`);
    expect(await ctx.db.models.Round.countDocuments({ localityCode: { $in: communes }, kind: 'verification' })).toBe(2 * communes.length);
    expect(await ctx.db.models.AuditEntry.countDocuments({ action: 'round.create', sub: 'bavi' })).toBe(1);
    // The new rounds obey the district's deadline set above.
    const district = (await campaign()).districts.find((d: any) => d.districtCode === '271').deadline as Date;
    const latest = await ctx.db.models.Round.findOne({ localityCode: { $in: communes }, seq: 2 }, { deadline: 1 }).sort({ deadline: -1 }).lean();
    expect(latest!.deadline.getTime()).toBeLessThanOrEqual(district.getTime());
    await c.close();
  }, 120_000);
});

describe('issue 28: a commune\'s escalations on its own pages, to its people', () => {
  it('the health station sees what was escalated about its commune and acknowledges the commune-level one; the police see it, without a button', async () => {
    const now = new Date();
    const id = 'verification-09619-1';
    await ctx.db.models.Escalation.collection.updateOne({ roundId: id, level: 'commune' }, {
      $set: { roundId: id, level: 'commune', localityCode: '09619', targetCode: '09619', provinceCode: '01', districtCode: '271', escalatedAt: new Date(now.getTime() - 3_600_000), deadline: new Date(now.getTime() + 86_400_000), overdueSince: new Date(now.getTime() - 3_600_000), unresolved: {}, notifiedAt: now, closedAt: null, acknowledgedAt: null, acknowledgedBy: null },
    }, { upsert: true });
    const { c, page } = await session('health-09619', PHONE);
    await page.goto(`${app.base}/dashboard/w/09619`);
    const row = page.locator('#escalations tbody tr.owed[data-level="commune"]').first();
    await row.waitFor();
    expect(await row.locator('td a').first().textContent()).toBe('Thị trấn Tây Đằng');
    await row.locator('button.primary').click();
    await row.locator('button.primary', { hasText: 'Có' }).click();
    await eventually(() => row.locator('td.state').textContent()).toMatch(/^Đã ghi nhận · .* · .*\d{2}\/\d{2}\/\d{4}/);
    expect(await row.locator('button').count()).toBe(0);
    expect(await overflowOf(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'L6-commune-health-escalations-390');
    await c.close();
    expect((await ctx.db.models.Escalation.findOne({ roundId: id, level: 'commune' }).lean())!.acknowledgedBy).toBe('health-09619');
    const police = await session('police-09619');
    await police.page.goto(`${app.base}/dashboard/w/09619`);
    const seen = police.page.locator('#escalations tbody tr[data-level="commune"]').first();
    await seen.waitFor();
    expect(await seen.locator('button').count()).toBe(0);
    await screenshot(police.page, 'L7-commune-police-escalations-1366');
    await police.c.close();
    // Another commune's people get none of them.
    expect((await app.as('health-09619').get('/api/escalations?locality=09625')).status).toBe(403);
  }, 120_000);
});

describe('issue 26: what a register outage did to a commune\'s round, on its page', () => {
  it('a deadline moved for an outage and escalations held while the register is down show on the commune\'s page in Vietnamese, dd/mm/yyyy', async () => {
    // Two open Hà Nội rounds whose deadline is a day or more ahead (an outage's move keeps them before the province's),
    // outside Ba Vì (its district deadline was set above) and still their commune's current round (no round started since).
    const candidates = await ctx.db.models.Round.find({ kind: 'verification', seq: 1, status: { $in: ['verifying', 'scheduled'] }, deadline: { $gt: new Date(Date.now() + DAY) } }, { localityCode: 1, deadline: 1 })
      .sort({ _id: 1 }).limit(50).lean();
    const outsideBaVi = new Set((await ctx.db.models.Locality.find({ code: { $in: candidates.map((r) => r.localityCode) }, districtCode: { $ne: '271' } }, { code: 1 }).lean()).map((l) => l.code));
    const later = new Set((await ctx.db.models.Round.find({ localityCode: { $in: [...outsideBaVi] }, seq: { $gt: 1 } }, { localityCode: 1 }).lean()).map((r) => r.localityCode));
    const open = candidates.filter((r) => outsideBaVi.has(r.localityCode) && !later.has(r.localityCode)).slice(0, 2);
    expect(open).toHaveLength(2);
    const [moved, held] = open as unknown as { _id: string; localityCode: string; deadline: Date }[];
    const prefix = app.config.QUEUE_PREFIX;
    const telemetry = createTelemetry(ctx.redis, prefix);
    // The register went down 90 minutes ago and the first round's chunk waited on it; now it is back (the
    // breaker's clock set back: no real wait), and the outage's deadline policy runs as the deadlines worker runs it.
    const breaker = createSharedBreaker(ctx.redis, { prefix, failures: 5, probeMs: 1000 });
    expect(await breaker.failure('maintenance', true)).toBe(true);
    const from = Date.now() - 90 * 60_000;
    await ctx.redis.hset(`${prefix}:register:breaker`, 'openedAt', from);
    await ctx.redis.hset(`${prefix}:register:held-rounds`, moved._id, from);
    const outage = (await breaker.success())!;
    const log = createLogger({ level: 'silent' });
    const deadlines = { ...deadlineDepsFromConfig(app.config, { store: ctx.db.store, deadlinesQueue: app.queues[DEADLINES_QUEUE], notificationsQueue: app.queues[NOTIFICATIONS_QUEUE], log }), events: queuedRoundEvents(app.queues[ROUNDS_QUEUE]) };
    expect(await outageDeadlinePolicy({ deadlines, telemetry, policy: 'extend', minMs: 0, log })(outage)).toEqual({ rounds: 1, moved: 1 });
    const after = (await ctx.db.models.Round.findById(moved._id, { deadline: 1 }).lean())!.deadline;
    expect(after.getTime() - moved.deadline.getTime()).toBe(outage.to - outage.from);
    // REGISTRY_OUTAGE_POLICY=hold: the second round's chunk steps aside for an outage still on.
    const since = new Date();
    await registerWaits(telemetry, { store: ctx.db.store, policy: 'hold', log }).hold('chunk-job', 40, held._id, true);
    await runRollup(ctx.db.store, policyFromConfig(app.config));

    // The API gives it to every dashboard user of the commune (the rollup), not only to those who may read rounds.
    const api = await app.as('admin').get(`/api/dashboard/progress/${moved.localityCode}`);
    expect(api.status, api.text).toBe(200);
    expect(new Date(api.body.unit.registerOutage.deadlineMoved.to).getTime()).toBe(after.getTime());

    const { c, page } = await session('admin');
    await page.goto(`${app.base}/dashboard/l/${moved.localityCode}`);
    const note = page.locator('#register-outage [data-testid="outage-deadline"]');
    await note.waitFor();
    const minutes = Math.round((outage.to - outage.from) / 60_000);
    const at = (d: Date) => `${vn(d).day} ${vn(d).time}`;
    const text = (await note.textContent())!;
    expect(text).toContain(`CSDL quốc gia về dân cư gián đoạn: hạn chót được gia hạn ${minutes} phút, từ ${at(moved.deadline)} thành ${at(after)}`);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    await screenshot(page, 'L8-commune-register-outage-deadline-1366');
    await page.goto(`${app.base}/dashboard/l/${held.localityCode}`);
    const hold = page.locator('#register-outage [data-testid="outage-hold"]');
    await hold.waitFor();
    // Held from the chunk's wait (to the minute; the page shows Vietnam's time), until the register is back.
    const sinceText = [at(since), at(new Date(since.getTime() + 60_000))];
    const holdText = (await hold.textContent())!;
    expect(sinceText.map((s) => `CSDL quốc gia về dân cư gián đoạn từ ${s}: tạm hoãn chuyển cấp cho đến khi kết nối lại`)).toContain(holdText);
    await screenshot(page, 'L9-commune-register-outage-hold-1366');
    await c.close();
  }, 120_000);
});
