// The walking skeleton in a real browser: the page loads cleanly, the worker streams windows into
// the charts, overload raises p99 and then errors, links restore designs, bad links are explained,
// the app works offline, and the language switch changes the text.
import { test, expect, Page } from '@playwright/test';

/** Console errors and uncaught exceptions seen by a page. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

async function metric(page: Page, id: string): Promise<number> {
  return Number(await page.locator(`#${id}`).getAttribute('data-value'));
}

async function windows(page: Page): Promise<number> {
  return Number(await page.locator('#live').getAttribute('data-windows'));
}

/** Rows of the table view, newest first. */
async function rows(page: Page) {
  return page.locator('#windows-table tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    p99: Number(tr.getAttribute('data-p99')),
    errors: Number(tr.getAttribute('data-errors')),
    throughput: Number(tr.getAttribute('data-throughput')),
  })));
}

async function setRate(page: Page, rps: number) {
  await page.locator('#rate').fill(String(rps));
  await expect(page.locator('#rate-value')).toHaveText(String(rps));
}

test('loads without console errors and runs the default single-server design', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto('/');
  await expect(page.locator('#stage-title')).toHaveText('Stage 1: single server');
  await expect(page.locator('.topology [data-node]')).toHaveCount(3);
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(3);
  expect(errors).toEqual([]);
});

test('starting the run fills the charts with data', async ({ page }) => {
  await page.goto('/');
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
  await page.goto('/');
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

  // Back under capacity: the queue drains and errors stop.
  await setRate(page, 50);
  await expect.poll(async () => (await rows(page)).slice(0, 3).every((r) => r.errors === 0), { timeout: 40_000 })
    .toBe(true);
});

test('the URL restores the same design in a fresh page', async ({ page, context }) => {
  await page.goto('/');
  await page.locator('#users').fill('2500');
  await page.locator('#users').press('Enter');
  await setRate(page, 80);
  await expect.poll(() => page.url()).toContain('#v1.z.');
  const shared = page.url();
  const fresh = await context.browser()!.newPage();
  await fresh.goto(shared);
  await expect(fresh.locator('#users')).toHaveValue('2500');
  await expect(fresh.locator('#rate-value')).toHaveText('80');
  await expect(fresh.locator('#notice')).toHaveCount(0);
  await fresh.close();
});

test('a garbled link shows a message and the default design, with no console errors', async ({ page }) => {
  const errors = watchErrors(page);
  for (const fragment of ['#v1.z.%%%garbage', '#v1.z.eJzLSM3JyVcozy_KSQEAGgQEXQ', '#v99.z.AAAA', '#hello']) {
    await page.goto('/' + fragment);
    await expect(page.locator('#notice')).toBeVisible();
    await expect(page.locator('#notice')).toContainText('default design');
    await expect(page.locator('.topology [data-node]')).toHaveCount(3);
  }
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(1);
  expect(errors).toEqual([]);
});

test('the last good design is offered back after a bad link', async ({ page }) => {
  await page.goto('/');
  await page.locator('#users').fill('4321');
  await page.locator('#users').press('Enter');
  await expect.poll(() => page.url()).toContain('#v1.z.');
  await page.goto('/#v1.z.broken');
  await page.reload();
  await page.locator('#restore-saved').click();
  await expect(page.locator('#users')).toHaveValue('4321');
});

test('after one visit the app loads and runs offline', async ({ page, context }) => {
  await page.goto('/');
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
  await page.goto('/');
  await expect(page.locator('#stage-title')).toHaveText('Stage 1: single server');
  await page.locator('#lang').click();
  await expect(page.locator('#stage-title')).toHaveText('1단계: 단일 서버');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page.locator('#start')).toContainText('시작');
  await page.locator('#lang').click();
  await expect(page.locator('#start')).toContainText('Start');
});
