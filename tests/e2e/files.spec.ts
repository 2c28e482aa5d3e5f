// Files and pictures in a real browser: the design saved as JSON opens again by file picker, by
// drop and by paste; bad files are refused with the problem named and the design kept; SVG and
// PNG pictures of the canvas and of a chart carry the numbers the dashboard shows.
import { test, expect, Page, Download } from '@playwright/test';
import { readFileSync } from 'fs';
import { designInUrl, open, windows } from './helpers';

const stage3 = readFileSync('designs/stage03-load-balancer.json', 'utf8');

async function text(download: Download): Promise<string> {
  return readFileSync((await download.path())!, 'utf8');
}

async function chooseStage3(page: Page) {
  await page.locator('#stage').selectOption('2');
  await expect(page.locator('#stage-title')).toHaveText('Stage 3: load balancer and scale-out');
}

test('a design saved as JSON opens again from the file picker', async ({ page }) => {
  await open(page, '/');
  await chooseStage3(page);
  const download = page.waitForEvent('download');
  await page.locator('#save-json').click();
  const saved = await download;
  expect(saved.suggestedFilename()).toBe('scalelab-stage-3--scale-out-behind-a-load-balancer.json');
  const json = JSON.parse(await text(saved));
  expect(json).toEqual(JSON.parse(JSON.stringify(designInUrl(page.url()))));
  expect(json.version).toBe(1);
  // A fresh page with the default design opens the file.
  await open(page, '/');
  await expect(page.locator('#stage-title')).toHaveText('Stage 1: single server');
  await page.locator('#open-file').setInputFiles((await saved.path())!);
  await expect(page.locator('#stage-title')).toHaveText('Stage 3: load balancer and scale-out');
  await expect(page.locator('.topology [data-node]')).toHaveCount(json.nodes.length);
  await expect.poll(() => designInUrl(page.url())?.name).toBe(json.name);
});

test('a design file dropped onto the canvas opens', async ({ page }) => {
  await open(page, '/');
  await page.locator('svg.editor').evaluate((svg, body) => {
    const dt = new DataTransfer();
    dt.items.add(new File([body], 'stage3.json', { type: 'application/json' }));
    svg.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, stage3);
  await expect(page.locator('#stage-title')).toHaveText('Stage 3: load balancer and scale-out');
  await expect(page.locator('#notice')).toHaveCount(0);
});

test('pasted JSON opens', async ({ page }) => {
  await open(page, '/');
  await page.locator('#paste-json').click();
  await page.locator('#paste-area').fill(stage3);
  await page.locator('#paste-open').click();
  await expect(page.locator('#stage-title')).toHaveText('Stage 3: load balancer and scale-out');
  await expect(page.locator('#paste-dialog')).toHaveCount(0);
});

test('bad files are refused with the problem named, and the design stays', async ({ page }) => {
  await open(page, '/');
  await chooseStage3(page);
  const before = designInUrl(page.url());
  const invalid = JSON.parse(stage3);
  invalid.nodes.find((n: any) => n.id === 'web1').workers = 0;
  const huge = JSON.parse(stage3);
  huge.regions = Array.from({ length: 20000 }, (_, i) => ({ name: `r${i}` }));
  const cases: [string, string, RegExp][] = [
    ['{ "version": 1, "nodes": [', 'syntax', /not a JSON design/],
    ['{"version": 7, "nodes": []}', 'too-new', /newer ScaleLab/],
    [JSON.stringify(invalid), 'invalid', /web1.*workers/],
    [JSON.stringify(huge), 'too-big', /regions/],
  ];
  for (const [body, problem, message] of cases) {
    await page.locator('#open-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(body) });
    await expect(page.locator('#file-problem')).toHaveAttribute('data-problem', problem);
    await expect(page.locator('#file-problem')).toContainText(message);
    await expect(page.locator('#stage-title')).toHaveText('Stage 3: load balancer and scale-out');
    expect(designInUrl(page.url())).toEqual(before);
  }
  // In Korean too, naming the node and field.
  await page.locator('#lang').click();
  await page.locator('#open-file').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(invalid)) });
  await expect(page.locator('#file-problem')).toContainText("노드 'web1', 필드 'workers'");
  // A good file afterwards clears the refusal.
  await page.locator('#open-file').setInputFiles({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(stage3) });
  await expect(page.locator('#file-problem')).toHaveCount(0);
});

/** Runs a few windows and pauses, returning the headline numbers as the dashboard prints them. */
async function runAndPause(page: Page) {
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(3);
  await page.locator('#pause').click();
  await expect(page.locator('#run-status')).toHaveAttribute('data-state', 'paused');
  await page.waitForTimeout(300);
  const shown = async (id: string) => (await page.locator(`#${id} dd`).textContent())!.trim();
  return { p50: await shown('m-p50'), p95: await shown('m-p95'), p99: await shown('m-p99'), time: await shown('m-time') };
}

test('SVG and PNG pictures of the canvas and a chart carry the numbers', async ({ page }) => {
  await open(page, '/');
  const n = await runAndPause(page);
  const expected = [`p50 ${n.p50}`, `p95 ${n.p95}`, `p99 ${n.p99}`, `simulated time ${n.time}`, 'seed 1', 'Stage 1: single server'];

  let download = page.waitForEvent('download');
  await page.locator('#picture-svg').click();
  let file = await download;
  expect(file.suggestedFilename()).toBe('scalelab-single-server.svg');
  const svg = await text(file);
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  for (const needle of expected) expect(svg).toContain(needle);
  expect(svg).toContain('data-node="server"');

  download = page.waitForEvent('download');
  await page.locator('#picture-png').click();
  file = await download;
  expect(file.suggestedFilename()).toBe('scalelab-single-server.png');
  const png = readFileSync((await file.path())!);
  expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  expect(png.readUInt32BE(16)).toBeGreaterThan(1000); // drawn at twice the SVG's width
  const meta = png.toString('utf8');
  expect(meta).toContain('iTXtDescription');
  for (const needle of expected) expect(meta).toContain(needle);

  // A chart, in Korean: text stays text, in the chosen language.
  await page.locator('#lang').click();
  await page.locator('#picture-chart').selectOption('throughput');
  download = page.waitForEvent('download');
  await page.locator('#chart-svg').click();
  file = await download;
  expect(file.suggestedFilename()).toBe('scalelab-single-server-throughput.svg');
  const chart = await text(file);
  expect(chart).toContain('data-chart="throughput"');
  expect(chart).toContain('data-series="throughput"');
  for (const needle of [`p99 ${n.p99}`, '처리량', '시드 1', '1단계: 단일 서버']) expect(chart).toContain(needle);

  download = page.waitForEvent('download');
  await page.locator('#chart-png').click();
  file = await download;
  const chartPng = readFileSync((await file.path())!);
  expect(chartPng.toString('utf8')).toContain(`p99 ${n.p99}`);
});

test('the CSV export is still there', async ({ page }) => {
  await open(page, '/');
  await runAndPause(page);
  const download = page.waitForEvent('download');
  await page.locator('#export-csv').click();
  expect((await download).suggestedFilename()).toBe('scalelab-run.csv');
});
