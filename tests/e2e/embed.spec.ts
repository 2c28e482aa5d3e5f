// The embed in a real browser: minimal chrome, options from the fragment, autoplay while in view
// (and never under reduced motion), the open-in-app round trip, the embed dialog's snippets and
// preview, offline after one visit, and the demo study note with three stages.
import { test, expect, Page, FrameLocator } from '@playwright/test';
import { readFileSync } from 'fs';
import { deflateSync } from 'zlib';
import { designInUrl, open, watchErrors } from './helpers';

function fragment(stage: string): string {
  const json = JSON.stringify(JSON.parse(readFileSync(`designs/${stage}.json`, 'utf8')));
  return 'v1.c.' + deflateSync(Buffer.from(json)).toString('base64url');
}
const stage3 = fragment('stage03-load-balancer');

async function chartWindows(frame: Page | FrameLocator): Promise<number> {
  return Number(await frame.locator('#embed-chart').getAttribute('data-windows'));
}

test('an embed shows the canvas, a chart and minimal chrome, and runs in view', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`/embed.html#${stage3}&traffic=1&faults=web1`);
  const embed = page.locator('#embed');
  await expect(embed).toHaveAttribute('data-state', 'running');
  await expect(page.locator('#embed-title')).toHaveText('Stage 3: load balancer and scale-out');
  await expect(page.locator('svg.editor [data-node]')).toHaveCount(7);
  await expect(page.locator('#embed-chart [data-chart="latency"]')).toBeVisible();
  await expect.poll(() => chartWindows(page)).toBeGreaterThanOrEqual(3);
  // No palette, no inspector, no dashboard: only what the author allowed.
  for (const id of ['#palette', '.inspector-column', '#dashboard', '#stage']) await expect(page.locator(id)).toHaveCount(0);
  await expect(page.locator('#embed-rate')).toBeVisible();
  await expect(page.locator('[data-fault]')).toHaveCount(1);
  // The fault button kills web1, and the throughput carries on through the others.
  await page.locator('[data-fault="web1"]').click();
  await expect(page.locator('[data-fault="web1"]')).toContainText('Restore web1');
  await expect(page.locator('svg.editor [data-node="web1"].down, svg.editor [data-node="web1"][class*="down"]')).toHaveCount(1);
  // Run / pause.
  await page.locator('#embed-pause').click();
  await expect(embed).toHaveAttribute('data-state', 'paused');
  await page.locator('#embed-run').click();
  await expect(embed).toHaveAttribute('data-state', 'running');
  // The embed fills its frame exactly (the snippet fixes the frame's aspect), whatever the design.
  const box = (await embed.boundingBox())!;
  expect([box.width, box.height]).toEqual([page.viewportSize()!.width, page.viewportSize()!.height]);
  expect(errors).toEqual([]);
});

test('options travel in the fragment: what is shown, autoplay, language, theme, chart', async ({ page }) => {
  await page.goto(`/embed.html#${stage3}&show=chart,numbers&autoplay=0&lang=ko&theme=dark&chart=throughput`);
  const embed = page.locator('#embed');
  await expect(embed).toHaveClass(/dark/);
  await expect(page.locator('html')).toHaveAttribute('lang', 'ko');
  await expect(page.locator('#embed-title')).toHaveText('3단계: 로드밸런서와 수평적 규모 확장');
  await expect(page.locator('svg.editor')).toHaveCount(0);
  await expect(page.locator('#embed-chart [data-chart="throughput"]')).toBeVisible();
  await expect(page.locator('#embed-rate')).toHaveCount(0);
  await expect(page.locator('[data-fault]')).toHaveCount(0);
  // Without autoplay it waits for the reader.
  await page.waitForTimeout(1000);
  await expect(embed).toHaveAttribute('data-state', 'idle');
  await page.locator('#embed-run').click();
  await expect(embed).toHaveAttribute('data-state', 'running');
  await expect(page.locator('#embed-numbers')).toContainText('처리량');
});

test('an embed with the inspector asked for: the reader selects a node, edits it, and takes it to the app', async ({ page, context }) => {
  await page.goto(`/embed.html#${stage3}&show=canvas,numbers,inspector`);
  await expect(page.locator('#embed')).toHaveAttribute('data-state', 'running');
  await page.locator('svg.editor [data-node="web1"] rect').first().click();
  await expect(page.locator('#inspector')).toHaveAttribute('data-node', 'web1');
  await page.locator('#field-service_ms').fill('7');
  await page.locator('#field-service_ms').press('Enter');
  const popup = context.waitForEvent('page');
  await page.locator('#open-in-app').click();
  const app = await popup;
  await app.locator('.app[data-ready="true"]').waitFor();
  expect(designInUrl(app.url()).nodes.find((n: any) => n.id === 'web1').service_ms).toBe(7);
  await app.close();
  // Without the option there is no inspector and the canvas takes no pointer input.
  const plain = await context.newPage();
  await plain.goto(`/embed.html#${stage3}`);
  await expect(plain.locator('#embed')).toHaveAttribute('data-state', 'running');
  await expect(plain.locator('.embed-inspector')).toHaveCount(0);
  expect(await plain.locator('svg.editor').evaluate((el) => getComputedStyle(el).pointerEvents)).toBe('none');
});

test('index.html?embed is the same embed', async ({ page }) => {
  await page.goto(`/index.html?embed#${stage3}&show=canvas`);
  await expect(page.locator('#embed')).toHaveAttribute('data-state', 'running');
  await expect(page.locator('#embed-chart')).toHaveCount(0);
  await expect(page.locator('#palette')).toHaveCount(0);
});

test('a damaged embed link says so and shows the default design', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(`/embed.html#${stage3.slice(0, -12)}&lang=ko`);
  await expect(page.locator('#embed-notice')).toBeVisible();
  await expect(page.locator('#embed-title')).toHaveText('1단계: 단일 서버');
  await expect(page.locator('#embed')).toHaveAttribute('data-state', 'running');
  expect(errors).toEqual([]);
});

test('reduced motion: the embed does not start by itself', async ({ page }) => {
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto(`/embed.html#${stage3}`);
  await expect(page.locator('#embed')).toHaveAttribute('data-reduced-motion', 'true');
  await page.waitForTimeout(1000);
  await expect(page.locator('#embed')).toHaveAttribute('data-state', 'idle');
  await page.locator('#embed-run').click();
  await expect(page.locator('#embed')).toHaveAttribute('data-state', 'running');
});

test('"Open in ScaleLab" carries the design, with the reader\'s changes, into the full app', async ({ page, context }) => {
  await page.goto(`/embed.html#${stage3}&traffic=1`);
  await expect(page.locator('#embed')).toHaveAttribute('data-state', 'running');
  await page.locator('#embed-rate').fill('400');
  await expect(page.locator('#embed-rate-value')).toHaveText('400');
  const popup = context.waitForEvent('page');
  await page.locator('#open-in-app').click();
  const app = await popup;
  await app.locator('.app[data-ready="true"]').waitFor();
  await expect(app.locator('#stage-title')).toHaveText('Stage 3: load balancer and scale-out');
  await expect(app.locator('#palette')).toBeVisible();
  const opened = designInUrl(app.url());
  const original = JSON.parse(readFileSync('designs/stage03-load-balancer.json', 'utf8'));
  expect(opened.nodes.length).toBe(original.nodes.length);
  expect(opened.nodes[0].rate_rps).toBe(400);
});

test('the embed dialog gives an iframe, a Markdown picture link and the link, with a live preview', async ({ page }) => {
  await open(page, '/');
  await page.locator('#stage').selectOption('2');
  await page.locator('#embed-open').click();
  const iframe = await page.locator('#snippet-iframe').inputValue();
  expect(iframe).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:8081\/embed\.html#v1\.c\.[A-Za-z0-9_-]+"/);
  expect(iframe).toContain('loading="lazy"');
  expect(iframe).toContain('title="ScaleLab: Stage 3: load balancer and scale-out"');
  const markdown = await page.locator('#snippet-markdown').inputValue();
  expect(markdown).toMatch(/^\[!\[ScaleLab: Stage 3: load balancer and scale-out\]\(scalelab-stage-3--scale-out-behind-a-load-balancer\.png\)\]\(http:\/\/127\.0\.0\.1:8081\/index\.html#v1\.c\./);
  const link = await page.locator('#snippet-link').inputValue();
  expect(designInUrl(link).name).toBe('Stage 3: scale out behind a load balancer');
  // Options change the snippet and the preview.
  await page.locator('#opt-chart').uncheck();
  await page.locator('#opt-lang').selectOption('ko');
  await page.locator('[data-fault-option="web1"]').check();
  await expect(page.locator('#snippet-iframe')).toHaveValue(/&amp;show=canvas,numbers&amp;lang=ko&amp;faults=web1"/);
  await expect(page.locator('#embed-preview')).toHaveAttribute('src', /&show=canvas,numbers&lang=ko&faults=web1$/);
  const preview = page.frameLocator('#embed-preview');
  await expect(preview.locator('#embed-title')).toHaveText('3단계: 로드밸런서와 수평적 규모 확장');
  await expect(preview.locator('#embed-chart')).toHaveCount(0);
  await expect(preview.locator('[data-fault="web1"]')).toBeVisible();
  // Copy puts the snippet on the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.locator('#snippet-link-copy').click();
  await expect(page.locator('#snippet-link-copy')).toHaveText('Copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
});

test('after one visit the embed loads and runs offline', async ({ page, context }) => {
  await page.goto(`/embed.html#${stage3}`);
  await expect(page.locator('#embed')).toHaveAttribute('data-state', 'running');
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await context.setOffline(true);
  await page.reload();
  await expect(page.locator('#embed')).toHaveAttribute('data-state', 'running');
  await expect.poll(() => chartWindows(page)).toBeGreaterThanOrEqual(2);
  await context.setOffline(false);
});

test('the demo note: each embed runs in view, pauses out of view, and opens in the app', async ({ page, context }) => {
  const errors = watchErrors(page);
  await page.goto('/notes-demo.html');
  const frames = ['embed-stage1', 'embed-stage3', 'embed-stage5'];
  const state = (id: string) => page.frameLocator(`#${id}`).locator('#embed');
  // The first is in view and runs.
  await expect(state('embed-stage1')).toHaveAttribute('data-state', 'running');
  for (const [i, id] of frames.entries()) {
    await page.locator(`#${id}`).scrollIntoViewIfNeeded();
    await page.locator(`#${id}`).evaluate((el) => el.scrollIntoView({ block: 'center' }));
    await expect(state(id)).toHaveAttribute('data-state', 'running');
    await expect.poll(async () => Number(await page.frameLocator(`#${id}`).locator('#embed-chart').getAttribute('data-windows')))
      .toBeGreaterThanOrEqual(2);
    // The ones scrolled away pause.
    for (const other of frames.slice(0, i)) await expect(state(other)).toHaveAttribute('data-state', 'paused');
  }
  // The note's frames keep the snippet's 16:10.
  const frame = (await page.locator('#embed-stage1').boundingBox())!;
  expect(frame.width / frame.height).toBeCloseTo(1.6, 1);
  // Back to the top: the first runs again, the last pauses.
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(state('embed-stage1')).toHaveAttribute('data-state', 'running');
  await expect(state('embed-stage5')).toHaveAttribute('data-state', 'paused');
  // Each opens in the app with its stage.
  const titles = ['Stage 1: single server', 'Stage 3: load balancer and scale-out', 'Stage 5: cache tier'];
  for (const [i, id] of frames.entries()) {
    const popup = context.waitForEvent('page');
    await page.frameLocator(`#${id}`).locator('#open-in-app').click();
    const app = await popup;
    await app.locator('.app[data-ready="true"]').waitFor();
    await expect(app.locator('#stage-title')).toHaveText(titles[i]);
    await app.close();
  }
  expect(errors).toEqual([]);
});
