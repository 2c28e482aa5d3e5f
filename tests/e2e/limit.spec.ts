// "Find the limit" in a real browser: the worker sweeps stage 1's offered load step by step, the
// curve and its table fill in, and the result names the limit and the node that saturated.
import { test, expect } from '@playwright/test';
import { open, watchErrors } from './helpers';

test('find the limit of stage 1: about 100 req/s, the server saturates first', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#stage').selectOption('0');
  await page.locator('#find-limit').click();
  const status = page.locator('#limit-status');
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 90_000 });
  const limit = Number(await status.getAttribute('data-limit'));
  expect(limit).toBeGreaterThan(85);
  expect(limit).toBeLessThanOrEqual(101);
  await expect(status).toHaveAttribute('data-first', 'server');
  await expect(status).toContainText('first saturated: server');
  // One dot per step, the knee marked, the same numbers in the table.
  const steps = await page.locator('#limit-table tbody tr').count();
  expect(steps).toBeGreaterThanOrEqual(4);
  await expect(page.locator('#limit-curve circle.meets, #limit-curve circle.fails')).toHaveCount(steps);
  await expect(page.locator('#limit-knee')).toContainText(String(Math.round(limit)));
  await expect(page.locator('#limit-table tbody tr[data-meets="false"]').first()).toBeVisible();
  expect(errors).toEqual([]);
});
