// One wasm for the page and its simulation worker (src/bundle.rs): a visit fetches the bundle once,
// the worker runs from the page's own files, and its entry refuses a script from anywhere else.
import { test, expect } from '@playwright/test';
import { open, watchErrors, windows } from './helpers';

test('the page and its worker run from one bundle, fetched once', async ({ page }) => {
  const errors = watchErrors(page);
  const wasm: string[] = [];
  const workers: string[] = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.endsWith('.wasm')) wasm.push(new URL(r.url()).pathname); });
  page.on('worker', (w) => workers.push(w.url()));
  await open(page, '/');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  expect(workers).toHaveLength(1);
  const named = new URL(workers[0]).searchParams;
  expect(new Set(wasm)).toEqual(new Set([named.get('wasm')!.replace(/^\./, '')]));
  expect(named.get('js')).toMatch(/^\.\/scalelab-app-[0-9a-f]+\.js$/);
  expect(errors).toEqual([]);
});

test('the worker entry refuses a script that is not one of the build\'s files', async ({ page }) => {
  await open(page, '/');
  const message = await page.evaluate(() => new Promise<string>((done) => {
    const worker = new Worker(`./worker.js?js=${encodeURIComponent('https://example.com/x.js')}&wasm=./scalelab-app_bg.wasm`);
    worker.onerror = (event) => { event.preventDefault(); done(event.message); };
  }));
  expect(message).toContain('not a ScaleLab bundle');
});
