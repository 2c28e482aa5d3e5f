// The components the chapter names beyond its eleven stages (issue 15): each added from the
// palette with its own inspector fields, and each extra design running to its lesson's numbers —
// the gateway's 429s, the WAF's 403s, a replica taking over, a standby data centre activated.
import { test, expect, Page } from '@playwright/test';
import { designInUrl, open, watchErrors, windows } from './helpers';

async function runFor(page: Page, count: number) {
  await page.locator('#speed').selectOption('max');
  await page.locator('#start').click();
  await expect.poll(() => windows(page), { timeout: 60_000 }).toBeGreaterThanOrEqual(count);
  await page.locator('#pause').click();
}

test('an API gateway and a WAF come from the palette with their own fields', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/');
  for (const kind of ['api_gateway', 'waf']) {
    await page.locator(`.palette-item[data-kind="${kind}"]`).click();
  }
  const design = designInUrl(page.url());
  const kinds = design.nodes.map((n: any) => n.kind);
  expect(kinds).toContain('api_gateway');
  expect(kinds).toContain('waf');
  // The last one added is selected: the WAF's detection rate is a field with its bounds.
  await expect(page.locator('#field-detection')).toHaveAttribute('max', '1');
  await page.locator('#field-detection').fill('0.5');
  await page.locator('#field-detection').press('Enter');
  const waf = designInUrl(page.url()).nodes.find((n: any) => n.kind === 'waf');
  expect(waf.detection).toBe(0.5);
  expect(errors).toEqual([]);
});

test('the gateway refuses the abuser with 429 and the WAF blocks attacks with 403', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#stage').selectOption('11');
  await expect(page.locator('#stage-title')).toHaveText('Extra: API gateway and rate limiter');
  await runFor(page, 3);
  await expect(page.locator('#dashboard')).toContainText('rate limited (429)');
  await page.locator('#stage').selectOption('12');
  await expect(page.locator('#stage-title')).toHaveText('Extra: a web application firewall (WAF)');
  await runFor(page, 3);
  await expect(page.locator('#dashboard')).toContainText('blocked by the WAF (403)');
  expect(errors).toEqual([]);
});

test('a replica takes over its dead cache, and a standby data centre is set in the inspector', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#stage').selectOption('13');
  await runFor(page, 35);
  await expect(page.locator('#event-log')).toContainText('took over with its contents');
  // The DR design: the standby's mode is a choice of the data centre, kept in the link.
  await page.locator('#stage').selectOption('14');
  const node = designInUrl(page.url()).nodes.find((n: any) => n.region === 'dr');
  await page.locator(`svg.editor [data-node="${node.id}"]`).first().click();
  await expect(page.locator('#field-standby')).toHaveValue('us');
  await page.locator('#field-standby-mode').selectOption('cold');
  const dr = designInUrl(page.url()).regions.find((r: any) => r.name === 'dr');
  expect(dr.standby.mode).toBe('cold');
  await page.locator('#field-standby').selectOption('');
  expect(designInUrl(page.url()).regions.find((r: any) => r.name === 'dr').standby).toBeUndefined();
  expect(errors).toEqual([]);
});
