// One wasm for the page and its simulation worker (src/bundle.rs): the worker runs from the page's
// own files (that the browser fetches them once, transfer.mjs measures), its entry refuses a
// script from anywhere else, and embed.html runs from the embed's own, smaller bundle.
import { test, expect, Page } from '@playwright/test';
import { readFileSync } from 'fs';
import { deflateSync } from 'zlib';
import { open, watchErrors, windows } from './helpers';

const design = readFileSync('designs/stage03-load-balancer.json', 'utf8');
const fragment = 'v1.c.' + deflateSync(Buffer.from(JSON.stringify(JSON.parse(design)))).toString('base64url');

/** Every .wasm the page fetches, and the URL of each worker it starts. */
function watchBundles(page: Page) {
  const seen = { wasm: [] as string[], workers: [] as string[] };
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.wasm')) seen.wasm.push(path);
  });
  page.on('worker', (w) => seen.workers.push(w.url()));
  return seen;
}

test('the page and its worker run from one bundle, one wasm file', async ({ page }) => {
  const errors = watchErrors(page);
  const { wasm, workers } = watchBundles(page);
  await open(page, '/');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  expect(workers).toHaveLength(1);
  const named = new URL(workers[0]).searchParams;
  expect(new Set(wasm)).toEqual(new Set([named.get('wasm')!.replace(/^\./, '')]));
  expect(named.get('js')).toMatch(/^\.\/scalelab-app-[0-9a-f]+\.js$/);
  expect(errors).toEqual([]);
});

test('the worker entry refuses a script that is not a ScaleLab bundle in its folder', async ({ page }) => {
  await open(page, '/');
  const message = await page.evaluate(() => new Promise<string>((done) => {
    const worker = new Worker(`./worker.js?js=${encodeURIComponent('https://example.com/x.js')}&wasm=./scalelab-app_bg.wasm`);
    worker.onerror = (event) => { event.preventDefault(); done(event.message); };
  }));
  expect(message).toContain('not a ScaleLab bundle');
});

test('embed.html runs from the embed\'s own bundle, one wasm file', async ({ page }) => {
  const { wasm, workers } = watchBundles(page);
  await page.goto(`/embed.html#${fragment}`);
  await expect(page.locator('#embed[data-state="running"]')).toBeVisible();
  await expect.poll(() => workers.length).toBe(1);
  const named = new URL(workers[0]).searchParams;
  expect(named.get('js')).toMatch(/^\.\/scalelab-embed-[0-9a-f]{16}\.js$/);
  expect(new Set(wasm)).toEqual(new Set([named.get('wasm')!.replace(/^\./, '')]));
});

/** The file names in the service worker's cache of this build. */
async function cachedFiles(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const names = (await caches.keys()).filter((k) => k.startsWith('scalelab-'));
    const cache = await caches.open(names[names.length - 1]);
    return (await cache.keys()).map((r) => new URL(r.url).pathname.replace(/^\//, ''));
  });
}

test('the service worker keeps the bundle of the page visited, and another once it is visited', async ({ page, context }) => {
  await open(page, '/');
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // The app's bundle for offline use, not the embed's: an app user never downloads it.
  const atInstall = await cachedFiles(page);
  expect(atInstall.filter((f) => f.startsWith('scalelab-app-'))).toHaveLength(2);
  expect(atInstall.filter((f) => f.startsWith('scalelab-embed-'))).toEqual([]);
  expect(atInstall).toContain('embed.html');
  // The embed visited once online: its bundle is kept, and the embed then runs offline.
  const embed = await context.newPage();
  await embed.goto(`/embed.html#${fragment}`);
  await expect(embed.locator('#embed')).toHaveAttribute('data-state', 'running');
  await expect.poll(async () => (await cachedFiles(page)).filter((f) => f.startsWith('scalelab-embed-')).length).toBe(2);
  await context.setOffline(true);
  await embed.reload();
  await expect(embed.locator('#embed')).toHaveAttribute('data-state', 'running');
  await context.setOffline(false);
});

test('the page says it is loading until the wasm starts, and why it could not start', async ({ browser }) => {
  // No service worker: it would answer the wasm's request itself, unseen by the routes below.
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.route('**/*_bg.wasm', async (route) => {
    await new Promise((done) => setTimeout(done, 1500));
    await route.continue();
  });
  await page.goto('/');
  await expect(page.locator('#boot')).toContainText('Loading ScaleLab');
  await page.locator('.app[data-ready="true"]').waitFor();
  await expect(page.locator('#boot')).toHaveCount(0);

  await page.unroute('**/*_bg.wasm');
  await page.route('**/*_bg.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(`/embed.html#${fragment}`);
  await expect(page.locator('#boot')).toContainText('could not start');
  await context.close();
});
