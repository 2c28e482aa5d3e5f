// Links from strangers cannot hurt: a design that would need more memory than a tab has, and one
// with an absurd fault, each get a message; the page stays responsive and keeps a good design.
import { test, expect } from '@playwright/test';
import { deflateSync } from 'zlib';
import { open, watchErrors, windows } from './helpers';

/** The link the app writes for `design` (`v1.c.`: zlib with its checksum, base64url). */
function link(design: any): string {
  return '#v1.c.' + deflateSync(Buffer.from(JSON.stringify(design), 'utf8'), { level: 9 }).toString('base64url');
}

const singleServer = {
  version: 1, name: 'hostile', seed: 1, window_s: 1,
  nodes: [
    { id: 'users', kind: 'users', x: 80, y: 160, users: 1000, rate_rps: 50, rtt_ms: 40, timeout_ms: 2000 },
    { id: 'dns', kind: 'dns', x: 320, y: 40, lookup_ms: 30, ttl_s: 300 },
    { id: 'server', kind: 'server', x: 580, y: 160, workers: 4, queue_capacity: 200, service_ms: 20 },
  ],
  edges: [{ from: 'users', to: 'dns' }, { from: 'dns', to: 'server' }],
};

test('a link asking for 20 000 regions is refused before anything allocates, naming the cause', async ({ page }) => {
  const errors = watchErrors(page);
  const regions = Array.from({ length: 20_000 }, (_, i) => ({ name: `r${i}` }));
  await open(page, '/' + link({ ...singleServer, regions }));
  await expect(page.locator('#notice')).toBeVisible();
  await expect(page.locator('#notice')).toContainText('regions');
  // The default design is loaded instead, and it runs: the page is responsive.
  await expect(page.locator('.topology [data-node]')).toHaveCount(3);
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  expect(errors).toEqual([]);
});

test('a link of 62 000 regions, 201 KiB in the issue, is refused with a message; the page stays responsive', async ({ page }) => {
  const errors = watchErrors(page);
  const regions = Array.from({ length: 62_000 }, (_, i) => ({ name: `region-${i}` }));
  const fragment = link({ ...singleServer, regions });
  expect(fragment.length).toBeGreaterThan(100_000);
  await open(page, '/' + fragment);
  await expect(page.locator('#notice')).toBeVisible();
  await expect(page.locator('.topology [data-node]')).toHaveCount(3);
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  expect(errors).toEqual([]);
});

test('a fault at 1e308 requests per second is refused by node and field; the design stays editable', async ({ page }) => {
  const errors = watchErrors(page);
  const absurd = { ...singleServer, faults: [{ at_s: 0, action: 'set_rate', node: 'users', rps: 1e308 }] };
  await open(page, '/' + link(absurd));
  await page.locator('#start').click();
  await expect(page.locator('#notice')).toContainText('faults.rps');
  // Removing nothing else, the page still answers: the language switch works.
  await page.locator('#lang').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  expect(errors).toEqual([]);
});
