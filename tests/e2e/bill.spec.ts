// The cost of a design as a bill (per hour, per month, per million requests, by line and by
// node) and a node's load as both CPU and worker occupancy, in both languages.
import { test, expect } from '@playwright/test';
import { open, metric, watchErrors, windows } from './helpers';

test('stage 5 shows its bill by line and by node, and CPU beside worker occupancy', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#stage').selectOption('4');
  await expect(page.locator('#stage-title')).toContainText('Stage 5');
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  await expect.poll(() => windows(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  await page.locator('#pause').click();
  // A window already on its way when the pause was sent may still land: wait until the count
  // holds still, so every number below is read from the same window.
  let last = -1;
  await expect.poll(async () => {
    const n = await windows(page);
    const still = n === last;
    last = n;
    return still;
  }, { intervals: [400] }).toBe(true);

  // The whole bill three ways: per hour, per month (730 h) and per million requests.
  const perHour = await metric(page, 'm-cost');
  expect(perHour).toBeGreaterThan(0);
  expect(await metric(page, 'm-cost-month')).toBeCloseTo(perHour * 730, 6);
  expect(await metric(page, 'm-cost-million')).toBeGreaterThan(0);

  // Line by line: instances and the responses sent to users, adding up to the total.
  const line = (key: string) => page.locator(`#bill-table tr[data-line="${key}"]`);
  await expect(line('instances')).toBeVisible();
  await expect(line('internet_egress')).toBeVisible();
  await expect(line('instances')).toContainText('Instances');
  const lines = await page.locator('#bill-table tbody tr')
    .evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute('data-value'))));
  const total = Number(await line('total').getAttribute('data-value'));
  expect(total).toBeCloseTo(perHour, 9);
  expect(lines.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 9);
  // Hovering a line names the nodes it comes from; the table view splits it by node.
  await expect(line('instances')).toHaveAttribute('title', /web0 \$/);
  await page.locator('#bill-by-node summary').click();
  await expect(page.locator('#bill-nodes tr[data-node="web0"]')).toBeVisible();
  await expect(page.locator('#bill-nodes tr[data-node="db"]')).toBeVisible();

  // A web server's load is both its CPU and its workers' occupancy, on the canvas and in the
  // inspector's theory table.
  const web0 = page.locator('.topology [data-node="web0"]');
  expect(Number(await web0.getAttribute('data-cpu'))).toBeGreaterThan(0);
  expect(Number(await web0.getAttribute('data-occupancy'))).toBeGreaterThan(0);
  await web0.click();
  await expect(page.locator('#theory-cpu th')).toHaveText('CPU');
  await expect(page.locator('#theory-cpu td').first()).toContainText('%');
  await expect(page.locator('#theory-utilization th')).toHaveText('Worker occupancy');
  // The instance menu lists web server types only, with their vCPUs and memory.
  const instances = await page.locator('#field-instance option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(instances.length).toBeGreaterThan(3);
  expect(instances.every((id) => id.startsWith('ec2_'))).toBe(true);
  await expect(page.locator('#field-instance option').first()).toContainText('vCPU');

  // In Korean, in the chapter's words.
  await page.locator('#lang').click();
  await expect(page.locator('#theory-cpu th')).toHaveText('CPU 사용률');
  await expect(page.locator('#theory-utilization th')).toHaveText('작업자 점유율');
  await expect(page.locator('#bill-title')).toContainText('청구서');
  await expect(line('internet_egress')).toContainText('인터넷 전송');
  expect(errors).toEqual([]);
});
