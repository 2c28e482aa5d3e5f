// The page itself: it runs under a Content-Security-Policy that lets no inline script run, and a
// simulation worker that dies is replaced, with a message, without losing the design.
import { test, expect } from '@playwright/test';
import { deflateSync } from 'zlib';
import { designInUrl, open, watchErrors, windows } from './helpers';

/** A design of its own, so the one kept after a restart is visibly not the default. */
const kept = {
  version: 1, name: 'kept across a restart', seed: 7, window_s: 1,
  nodes: [
    { id: 'users', kind: 'users', x: 80, y: 160, users: 1000, rate_rps: 80, rtt_ms: 40, timeout_ms: 2000 },
    { id: 'dns', kind: 'dns', x: 320, y: 40, lookup_ms: 30, ttl_s: 300 },
    { id: 'web', kind: 'server', x: 580, y: 160, workers: 6, queue_capacity: 200, service_ms: 20 },
  ],
  edges: [{ from: 'users', to: 'dns' }, { from: 'dns', to: 'web' }],
};

test('the page runs under a CSP without inline scripts, and an injected inline script does not run', async ({ page }) => {
  const errors = watchErrors(page);
  const violations: string[] = [];
  page.on('console', (msg) => { if (msg.text().includes('Content Security Policy')) violations.push(msg.text()); });
  await open(page);
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const scriptSrc = (csp ?? '').split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? '';
  expect(scriptSrc).toContain("'self'");
  expect(scriptSrc).toContain("'wasm-unsafe-eval'");
  expect(scriptSrc).not.toContain('unsafe-inline');
  expect(csp).toContain("worker-src 'self'");
  // No inline script is left in the built page: every script has a src.
  expect(await page.locator('script:not([src])').count()).toBe(0);
  // The app works under it: the worker (a same-origin file) runs the simulation.
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  // A script injected into the document, as an XSS would, is refused.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true;';
    document.body.appendChild(s);
    const img = document.createElement('img');
    img.setAttribute('src', 'data:,x');
    img.setAttribute('onerror', 'window.__injected = true;');
    document.body.appendChild(img);
  });
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (window as any).__injected === true)).toBe(false);
  expect(violations.length).toBeGreaterThan(0);
  // The refusals are the only errors the page logged.
  expect(errors.filter((e) => !e.includes('Content Security Policy'))).toEqual([]);
});

test('a worker that dies is restarted with a message and the design is kept', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/#v1.c.' + deflateSync(Buffer.from(JSON.stringify(kept)), { level: 9 }).toString('base64url'));
  const before = designInUrl(page.url());
  expect(before.name).toBe(kept.name);
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  // The test hook closes the worker as a crash would; only a script in the page can fire it.
  await page.evaluate(() => window.dispatchEvent(new Event('scalelab-test-stop-worker')));
  await expect(page.locator('#worker-restarted')).toBeVisible({ timeout: 20_000 });
  await expect(page.locator('#worker-restarted')).toContainText('restarted');
  expect(designInUrl(page.url())).toEqual(before);
  // The new worker runs the same design.
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  await page.locator('#lang').click();
  await expect(page.locator('#worker-restarted')).toContainText('워커');
  expect(errors).toEqual([]);
});
