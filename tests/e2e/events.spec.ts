// The engine's events in the browser: stage 4's scripted primary death is told in the event log
// in order with its times, marked on the latency chart, linked to its node, and its hint goes
// once a replica is promoted.
import { test, expect } from '@playwright/test';
import { metric, open, watchErrors } from './helpers';

test('stage 4: the event log tells the primary dying at 40 s and the failover, in order, and the latency chart marks them', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#stage').selectOption('3');
  await expect(page.locator('#stage-title')).toContainText('Stage 4');
  await expect(page.locator('#event-log')).toContainText('Nothing has happened yet');
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  await expect.poll(() => metric(page, 'm-time'), { timeout: 60_000 }).toBeGreaterThan(52);
  await page.locator('#pause').click();

  const items = page.locator('#event-list li.event');
  const entries = await items.evaluateAll((lis) => lis.map((li) => ({
    kind: li.getAttribute('data-kind'),
    at: Number(li.getAttribute('data-at')),
    text: li.querySelector('time')?.textContent ?? '',
  })));
  // In time order, the kill first, then the promotion ten seconds later (the failover delay).
  const ats = entries.map((e) => e.at);
  expect(ats).toEqual([...ats].sort((a, b) => a - b));
  const kill = entries.findIndex((e) => e.kind === 'fault' && e.at === 40);
  const failover = entries.findIndex((e) => e.kind === 'failover' && e.at === 50);
  expect(kill).toBeGreaterThanOrEqual(0);
  expect(failover).toBeGreaterThan(kill);
  expect(entries[kill].text).toMatch(/^t=40 s: 'db' died; 'db\/r\d' was promoted at 50\.0 s$/);
  expect(entries[failover].text).toMatch(/^t=50 s: 'db' failed over: replica 'db\/r\d' was promoted to primary; \d+ writes lost/);

  // Marked on the latency chart, with the sentence on hover.
  const marker = page.locator('#figure-latency .chart-marker[data-kind="failover"]');
  await expect(marker).toHaveCount(1);
  await expect(marker).toHaveAttribute('data-at', '50');
  await expect(marker).toHaveAttribute('title', /failed over/);
  await expect(page.locator('#figure-latency .chart-marker[data-kind="fault"][data-at="40"]')).toHaveCount(1);

  // A replica took over: the failover hint has gone, though the old primary is still down.
  await expect(page.locator('#hints')).not.toContainText('Primary database');

  // The entry links to its node: a click selects it on the canvas.
  await items.nth(kill).locator('button.event-node').click();
  await expect(page.locator('.topology [data-node="db"]')).toHaveAttribute('aria-pressed', 'true');
  // ... and to its moment: a cursor at 40 s on every time chart shown, and the window it falls
  // in marked in the tables and under the tooltip.
  await expect(items.nth(kill)).toHaveAttribute('aria-current', 'true');
  const shown = await page.locator('.dash-chart:not([hidden]) canvas[id^="chart-"]').count();
  expect(shown).toBeGreaterThanOrEqual(3);
  await expect(page.locator('.dash-chart:not([hidden]) .chart-moment[data-at="40"]')).toHaveCount(shown);
  await expect(page.locator('#windows-table tr[aria-current="true"]')).toHaveAttribute('data-x', '40');
  await expect(page.locator('#tooltip-latency')).toHaveAttribute('data-x', '40');
  // Enter on another entry moves the cursor to its moment.
  await items.nth(failover).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#figure-latency .chart-moment')).toHaveAttribute('data-at', '50');
  await expect(page.locator('#windows-table tr[aria-current="true"]')).toHaveAttribute('data-x', '50');
  await expect(items.nth(kill)).not.toHaveAttribute('aria-current', 'true');

  // In Korean too.
  await page.locator('#lang').click();
  await expect(page.locator('#event-list li.event').nth(kill).locator('time')).toContainText('40초:');
  expect(errors).toEqual([]);
});
