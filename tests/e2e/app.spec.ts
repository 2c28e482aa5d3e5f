// The walking skeleton in a real browser: the page loads cleanly, the worker streams windows into
// the charts, overload raises p99 and then errors, links restore designs, bad links are explained,
// the app works offline, and the language switch changes the text.
import { test, expect, Page } from '@playwright/test';
import { designInUrl, open, metric, rows, watchErrors, windows } from './helpers';

async function setRate(page: Page, rps: number) {
  await page.locator('#rate').fill(String(rps));
  await expect(page.locator('#rate-value')).toHaveText(String(rps));
}

test('loads without console errors and runs the default single-server design', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/');
  await expect(page.locator('#stage-title')).toHaveText('Stage 1: single server');
  await expect(page.locator('.topology [data-node]')).toHaveCount(3);
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(3);
  expect(errors).toEqual([]);
});

test('starting the run fills the charts with data', async ({ page }) => {
  await open(page, '/');
  await expect(page.locator('#chart-latency')).toHaveAttribute('data-windows', '0');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(3);
  const charted = Number(await page.locator('#chart-latency').getAttribute('data-windows'));
  expect(charted).toBeGreaterThanOrEqual(3);
  expect(await metric(page, 'm-p50')).toBeGreaterThan(0);
  expect(await metric(page, 'm-throughput')).toBeGreaterThan(20);
  expect(await metric(page, 'm-time')).toBeGreaterThan(0);
  // Pausing stops simulated time.
  await page.locator('#pause').click();
  await expect(page.locator('#run-status')).toHaveAttribute('data-state', 'paused');
  const paused = await metric(page, 'm-time');
  await page.waitForTimeout(500);
  expect(await metric(page, 'm-time')).toBe(paused);
});

test('raising the rate past capacity drives p99 up, then errors; lowering it recovers', async ({ page }) => {
  await open(page, '/');
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(8);
  const calm = (await rows(page)).slice(0, 5);
  const calmP99 = Math.max(...calm.map((r) => r.p99));
  expect(calm.every((r) => r.errors === 0)).toBe(true);

  // Near capacity (100 req/s): queueing makes the tail grow long before throughput stops growing.
  await setRate(page, 95);
  await expect.poll(async () => Math.max(...(await rows(page)).slice(0, 5).map((r) => r.p99)), { timeout: 30_000 })
    .toBeGreaterThan(2 * calmP99);

  // Past capacity: the bounded queue fills and requests fail.
  await setRate(page, 250);
  await expect.poll(async () => (await rows(page))[0].errors, { timeout: 30_000 }).toBeGreaterThan(0);
  // The app says, in the chapter's words, what the design is missing.
  await expect(page.locator('#hints')).toContainText('scale out');

  // Back under capacity: the queue drains and errors stop.
  await setRate(page, 50);
  await expect.poll(async () => (await rows(page)).slice(0, 3).every((r) => r.errors === 0), { timeout: 40_000 })
    .toBe(true);
});

test('the URL restores the same design in a fresh page', async ({ page, context }) => {
  await open(page, '/');
  await page.locator('#users').fill('2500');
  await page.locator('#users').press('Enter');
  await setRate(page, 80);
  // The address bar follows every edit.
  await expect.poll(() => designInUrl(page.url())?.nodes?.[0]?.users).toBe(2500);
  await expect.poll(() => designInUrl(page.url())?.nodes?.[0]?.rate_rps).toBe(80);
  const shared = page.url();
  const fresh = await context.browser()!.newPage();
  await open(fresh, shared);
  await expect(fresh.locator('#users')).toHaveValue('2500');
  await expect(fresh.locator('#rate-value')).toHaveText('80');
  await expect(fresh.locator('#notice')).toHaveCount(0);
  await fresh.close();
});

test('a garbled link shows a message and the default design, with no console errors', async ({ page }) => {
  const errors = watchErrors(page);
  for (const fragment of ['#v1.z.%%%garbage', '#v1.z.eJzLSM3JyVcozy_KSQEAGgQEXQ', '#v99.z.AAAA', '#hello']) {
    await open(page, '/' + fragment);
    await expect(page.locator('#notice')).toBeVisible();
    await expect(page.locator('#notice')).toContainText('default design');
    await expect(page.locator('.topology [data-node]')).toHaveCount(3);
  }
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(1);
  expect(errors).toEqual([]);
});

test('the last good design is offered back after a bad link', async ({ page }) => {
  await open(page, '/');
  await page.locator('#users').fill('4321');
  await page.locator('#users').press('Enter');
  await expect.poll(() => designInUrl(page.url())?.nodes?.[0]?.users).toBe(4321);
  await open(page, '/#v1.z.broken');
  await page.reload();
  await page.locator('#restore-saved').click();
  await expect(page.locator('#users')).toHaveValue('4321');
});

test('after one visit the app loads and runs offline', async ({ page, context }) => {
  await open(page, '/');
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  // The worker claims the page once it has precached the build.
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('#stage-title')).toBeVisible();
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  await context.setOffline(false);
});

test('the language switch changes the visible text', async ({ page }) => {
  await open(page, '/');
  await expect(page.locator('#stage-title')).toHaveText('Stage 1: single server');
  await page.locator('#lang').click();
  await expect(page.locator('#stage-title')).toHaveText('1단계: 단일 서버');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page.locator('#start')).toContainText('시작');
  await page.locator('#lang').click();
  await expect(page.locator('#start')).toContainText('Start');
});

test('the spike button triples the traffic for a while and leaves the design alone', async ({ page }) => {
  await open(page, '/');
  await page.locator('#speed').selectOption('5');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  await page.locator('#spike').click();
  // Any row of the table: a page whose main thread stalls (other tests share the machine) may
  // render several windows at once, the spike's already under a newer one.
  await expect.poll(async () => Math.max(...(await rows(page)).map((r) => r.throughput)), { timeout: 20_000 })
    .toBeGreaterThan(90);
  await expect(page.locator('#rate-value')).toHaveText('50');
  await expect.poll(async () => (await rows(page)).slice(0, 2).every((r) => r.throughput < 75), { timeout: 30_000 })
    .toBe(true);
});

test('stage 10: the autoscaler meets the spike with more instances, on the canvas and beside utilisation', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#stage').selectOption('9');
  await expect(page.locator('#stage-title')).toContainText('Stage 10');
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  // The spike starts at 60 s; the next evaluation (70 s) launches instances that serve 30 s later.
  await expect.poll(() => metric(page, 'm-time'), { timeout: 60_000 }).toBeGreaterThan(115);
  const instances = await page.locator('#table-utilization td[data-series="instances:web"]')
    .evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-value'))));
  expect(Math.min(...instances)).toBeGreaterThanOrEqual(2);
  expect(Math.max(...instances)).toBeGreaterThan(4);
  await expect(page.locator('.topology [data-node="web"] .badge')).toContainText('instances');
  // The rule is a switch of the pool's inspector, in the chapter's words.
  await page.locator('.topology [data-node="web"]').click();
  await expect(page.locator('#field-autoscale-mode')).toHaveValue('utilization');
  await expect(page.locator('#inspector')).toContainText('Scale out above');
  // Theory beside it counts the workers of the instances serving now (8 each), not the 4 it
  // started with.
  const theory = await page.locator('#theory-arrivals td').nth(1).textContent();
  const c = Number(/c = (\d+)/.exec(theory ?? '')?.[1]);
  expect(c % 8).toBe(0);
  expect(c).toBeGreaterThan(32);
  expect(errors).toEqual([]);
});

test('stage 5 counts its mechanisms since the run started: a cold cache stampedes', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#stage').selectOption('4');
  await expect(page.locator('#stage-title')).toContainText('Stage 5');
  await page.locator('#speed').selectOption('5');
  await page.locator('#start').click();
  // The cache starts empty: the first requests for the hottest keys all read the database.
  await expect.poll(() => metric(page, 'c-stampede_reads'), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(page.locator('#c-stale_reads')).toBeVisible();
  await expect(page.locator('#c-stampede_reads')).toHaveAttribute('title', /hot key/);
  // The counts keep growing from the start of the run, not over the charts' recent windows.
  const before = await metric(page, 'c-stampede_reads');
  await page.locator('#lang').click();
  await expect(page.locator('#tally h3')).toHaveText('실행 시작 이후 누적');
  expect(await metric(page, 'c-stampede_reads')).toBeGreaterThanOrEqual(before);
  await page.locator('#reset').click();
  await expect.poll(() => metric(page, 'c-stampede_reads')).toBe(0);
  expect(errors).toEqual([]);
});
