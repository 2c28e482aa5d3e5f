// The editor in a real browser: build by drag and drop, connect by ports, refuse what the engine
// cannot simulate, undo and redo, edit parameters and faults from the inspector, edit by keyboard
// alone, and carry every edit in the URL.
import { test, expect, Page } from '@playwright/test';
import { designInUrl, open, rows, watchErrors, windows } from './helpers';

const node = (page: Page, id: string) => page.locator(`.topology [data-node="${id}"]`);
const edge = (page: Page, from: string, to: string) => page.locator(`.topology [data-from="${from}"][data-to="${to}"]`);

/** Drags from a node's port to another node, as a user draws a connection. */
async function connect(page: Page, from: string, to: string) {
  const port = node(page, from).locator('.port');
  const a = await port.boundingBox();
  const b = await node(page, to).locator('rect').first().boundingBox();
  if (!a || !b) throw new Error('nodes must be visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 3, b.y + b.height / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 2 });
  await page.mouse.up();
}

test('drag a node from the palette, connect it, and the URL carries both edits', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('.palette-item[data-kind="database"]').dragTo(page.locator('svg.editor'), {
    targetPosition: { x: 420, y: 380 },
  });
  await expect(node(page, 'database')).toHaveCount(1);
  await connect(page, 'server', 'database');
  await expect(edge(page, 'server', 'database')).toHaveCount(1);
  await expect.poll(() => designInUrl(page.url())?.edges?.some((e: any) => e.from === 'server' && e.to === 'database'))
    .toBe(true);
  expect(errors).toEqual([]);
});

test('a connection the engine cannot simulate is refused with the reason', async ({ page }) => {
  await open(page, '/');
  await connect(page, 'server', 'users');
  await expect(page.locator('#refusal')).toBeVisible();
  await expect(page.locator('#refusal')).toContainText('server');
  await expect(edge(page, 'server', 'users')).toHaveCount(0);
});

test('undo and redo every edit, with the keyboard and the buttons', async ({ page }) => {
  await open(page, '/');
  await page.locator('.palette-item[data-kind="cache"]').click();
  await expect(node(page, 'cache')).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await expect(node(page, 'cache')).toHaveCount(0);
  await page.keyboard.press('Control+Shift+z');
  await expect(node(page, 'cache')).toHaveCount(1);
  await page.locator('#undo').click();
  await expect(node(page, 'cache')).toHaveCount(0);
  await page.locator('#redo').click();
  await expect(node(page, 'cache')).toHaveCount(1);
  await expect.poll(() => designInUrl(page.url())?.nodes?.length).toBe(4);
});

test('moving a node is one undoable edit that leaves the run alone', async ({ page }) => {
  await open(page, '/');
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(3);
  const before = await windows(page);
  const box = await node(page, 'dns').locator('rect').first().boundingBox();
  if (!box) throw new Error('dns visible');
  await page.mouse.move(box.x + 40, box.y + 30);
  await page.mouse.down();
  await page.mouse.move(box.x + 140, box.y + 90, { steps: 8 });
  await page.mouse.up();
  await expect.poll(() => designInUrl(page.url())?.nodes?.find((n: any) => n.id === 'dns')?.x).not.toBe(320);
  // The run went on: no reset of the windows.
  expect(await windows(page)).toBeGreaterThanOrEqual(before);
  await page.keyboard.press('Control+z');
  await expect.poll(() => designInUrl(page.url())?.nodes?.find((n: any) => n.id === 'dns')?.x).toBe(320);
});

test('changing a parameter in the inspector changes the run', async ({ page }) => {
  await open(page, '/');
  await page.locator('#speed').selectOption('20');
  await page.locator('#rate').fill('90');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(5);
  const slowP99 = Math.max(...(await rows(page)).slice(0, 4).map((r) => r.p99));
  await node(page, 'server').click();
  await expect(page.locator('#inspector')).toContainText('server');
  // A server four times faster: the same traffic now barely queues.
  await page.locator('#field-service_ms').fill('10');
  await page.locator('#field-service_ms').press('Enter');
  await expect.poll(() => designInUrl(page.url())?.nodes?.find((n: any) => n.id === 'server')?.service_ms).toBe(10);
  await expect.poll(async () => (await windows(page)) >= 5 ? Math.max(...(await rows(page)).slice(0, 4).map((r) => r.p99)) : Infinity,
    { timeout: 30_000 }).toBeLessThan(slowP99 / 2);
});

test('killing a node raises errors, restoring it recovers', async ({ page }) => {
  await open(page, '/');
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(3);
  await node(page, 'server').click();
  await page.locator('#node-kill').click();
  await expect.poll(async () => (await rows(page))[0].errors, { timeout: 20_000 }).toBeGreaterThan(0);
  await expect(node(page, 'server')).toHaveClass(/down/);
  await page.locator('#node-restore').click();
  await expect.poll(async () => (await rows(page)).slice(0, 2).every((r) => r.errors === 0 && r.throughput > 0),
    { timeout: 30_000 }).toBe(true);
});

test('keyboard-only editing: add, connect, nudge, delete', async ({ page }) => {
  await open(page, '/');
  // Add a cache from the palette with the keyboard.
  await page.locator('.palette-item[data-kind="cache"]').focus();
  await page.keyboard.press('Enter');
  await expect(node(page, 'cache')).toHaveClass(/selected/);
  // Select the server by focusing it, start a connection with C, choose the cache with Enter.
  await node(page, 'server').focus();
  await page.keyboard.press('Enter');
  await expect(node(page, 'server')).toHaveClass(/selected/);
  await page.keyboard.press('c');
  await expect(page.locator('#connect-hint')).toBeVisible();
  await node(page, 'cache').focus();
  await page.keyboard.press('Enter');
  await expect(edge(page, 'server', 'cache')).toHaveCount(1);
  // Nudge the selected cache two grid steps right.
  await node(page, 'cache').focus();
  await page.keyboard.press('Enter');
  const x0 = designInUrl(page.url()).nodes.find((n: any) => n.id === 'cache').x;
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => designInUrl(page.url()).nodes.find((n: any) => n.id === 'cache').x).toBe(x0 + 40);
  // Delete it: its connection goes too.
  await page.keyboard.press('Delete');
  await expect(node(page, 'cache')).toHaveCount(0);
  await expect(edge(page, 'server', 'cache')).toHaveCount(0);
  // The shortcut sheet opens with ? and closes with Escape.
  await page.keyboard.press('?');
  await expect(page.locator('#shortcut-sheet')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.locator('#shortcut-sheet')).toHaveCount(0);
});

test('box select, duplicate and the stage picker', async ({ page }) => {
  await open(page, '/');
  await page.locator('#stage').selectOption({ index: 5 });
  await expect(node(page, 'cache')).toHaveCount(1);
  await expect(page.locator('#stage-title')).toHaveText('Stage 5: cache tier');
  const count = await page.locator('.topology [data-node]').count();
  // Drag a box around everything from an empty corner.
  const svg = await page.locator('svg.editor').boundingBox();
  if (!svg) throw new Error('canvas visible');
  await page.mouse.move(svg.x + 3, svg.y + 3);
  await page.mouse.down();
  await page.mouse.move(svg.x + svg.width - 3, svg.y + svg.height - 3, { steps: 6 });
  await page.mouse.up();
  await expect(page.locator('.topology [data-node].selected')).toHaveCount(count);
  await page.keyboard.press('Escape');
  await node(page, 'cache').click();
  await page.keyboard.press('Control+d');
  await expect(page.locator('.topology [data-node]')).toHaveCount(count + 1);
  await expect.poll(() => designInUrl(page.url())?.nodes?.length).toBe(count + 1);
});

test('an edit applied from the next window keeps the run going', async ({ page }) => {
  await open(page, '/');
  await page.locator('#edit-mode').selectOption('next');
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(5);
  await node(page, 'server').click();
  await page.locator('#field-service_ms').fill('10');
  await page.locator('#field-service_ms').press('Enter');
  await expect.poll(() => designInUrl(page.url())?.nodes?.find((n: any) => n.id === 'server')?.service_ms).toBe(10);
  // The charts keep their history (a restart would empty them) and the server's load falls.
  const kept = await windows(page);
  expect(kept).toBeGreaterThanOrEqual(5);
  await expect.poll(async () => Number(await page.locator('#m-util').getAttribute('data-value')), { timeout: 30_000 })
    .toBeLessThan(0.25);
  expect(await windows(page)).toBeGreaterThan(kept);
});

test('every chart and its table view show the same numbers', async ({ page }) => {
  await open(page, '/');
  await page.locator('#stage').selectOption({ index: 5 });
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(4);
  await page.locator('#pause').click();
  await expect(page.locator('#run-status')).toHaveAttribute('data-state', 'paused');
  // Let the last snapshot render, then compare each chart's newest values with its table's first row.
  await page.waitForTimeout(300);
  const charts = await page.locator('canvas[id^="chart-"]').evaluateAll((cs) => cs.map((c) => ({
    slug: c.id.slice('chart-'.length),
    keys: (c.getAttribute('data-series') ?? '').split(','),
    last: (c.getAttribute('data-last') ?? '').split(','),
  })));
  expect(charts.length).toBeGreaterThanOrEqual(5);
  for (const chart of charts) {
    const table = (chart.slug === 'latency' || chart.slug === 'throughput')
      ? page.locator('#windows-table') : page.locator(`#table-${chart.slug}`);
    for (const [i, key] of chart.keys.entries()) {
      const cell = table.locator(`tbody tr:first-child td[data-series="${key}"]`);
      await expect(cell, `${chart.slug}/${key}`).toHaveAttribute('data-value', chart.last[i]);
    }
  }
  // And the CSV holds one row per window with the same latency.
  const download = page.waitForEvent('download');
  await page.locator('#export-csv').click();
  expect((await download).suggestedFilename()).toBe('scalelab-run.csv');
  const href = await page.locator('#csv-link').getAttribute('href');
  const csv = await page.evaluate(async (url) => (await fetch(url!)).text(), href);
  const lines = csv.trim().split('\n');
  expect(lines.length - 1).toBe(await windows(page));
});

test('a newcomer can start from an empty canvas', async ({ page }) => {
  await open(page, '/');
  await page.locator('#new-design').click();
  await expect(page.locator('.topology [data-node]')).toHaveCount(0);
  for (const kind of ['users', 'dns', 'server']) await page.locator(`.palette-item[data-kind="${kind}"]`).click();
  await expect(page.locator('.topology [data-node]')).toHaveCount(3);
  await page.locator('.topology [data-node="users"]').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('c');
  await page.locator('.topology [data-node="dns"]').focus();
  await page.keyboard.press('Enter');
  await page.keyboard.press('c');
  await page.locator('.topology [data-node="server"]').focus();
  await page.keyboard.press('Enter');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  expect(Number(await page.locator('#m-throughput').getAttribute('data-value'))).toBeGreaterThan(0);
});
