// The challenges in a real browser: "lose a data centre, lose no writes" opened from the course,
// seen unmet, solved by three edits in the inspector, met over its window of simulated time, and
// its result link re-checked by running it in a fresh browser (a link claiming more fails).
import { test, expect, Page } from '@playwright/test';
import { open, watchErrors } from './helpers';

const node = (page: Page, id: string) => page.locator(`.topology [data-node="${id}"]`);
const row = (page: Page, n: number) => page.locator('#course-goal tbody tr').nth(n);

/** Selects a node from the keyboard (Tab to it, Enter), as a keyboard-only learner does. */
async function select(page: Page, id: string) {
  await node(page, id).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#field-id')).toHaveValue(id);
}

async function setNumber(page: Page, field: string, value: string) {
  await page.locator(`#field-${field}`).fill(value);
  await page.locator(`#field-${field}`).press('Enter');
}

test('a challenge unmet, solved, met, and its result link re-checked', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#course-challenges summary').click();
  await page.locator('#course-challenges [data-challenge="lose-a-dc"]').click();
  await expect(page.locator('#course-title')).toHaveText('Lose a data centre, lose no writes');
  await expect.poll(() => page.url()).toContain('challenge=lose-a-dc');
  const startFragment = page.url().split('#')[1];
  // Three goal rows and the script row, each read in words.
  await expect(page.locator('#course-goal tbody tr')).toHaveCount(4);
  await expect(page.locator('#challenge-script')).toContainText('kept');

  await page.locator('#speed').selectOption('max');
  await page.locator('#start').click();
  await expect(page.locator('#goal-verdict')).toHaveAttribute('data-verdict', 'missed', { timeout: 60_000 });
  await expect(row(page, 0)).toHaveAttribute('data-met', 'false');
  await expect(row(page, 0)).toContainText('lost writes');
  await expect(row(page, 0)).toContainText('missed');
  await expect(page.locator('#challenge-share')).toHaveCount(0);

  // Synchronous replication, a short DNS TTL and a fast failover.
  await select(page, 'db');
  await page.locator('#field-replication').selectOption('sync');
  await setNumber(page, 'failover_s', '10');
  await select(page, 'dns');
  await setNumber(page, 'ttl_s', '5');
  await expect(page.locator('#goal-verdict')).toHaveAttribute('data-verdict', 'met', { timeout: 90_000 });
  await expect(page.locator('#course-goal tbody tr[data-met="true"]')).toHaveCount(4);
  await expect(row(page, 0)).toContainText('met');
  await expect(page.locator('#course-debrief')).toContainText('Challenge met');

  await page.locator('#challenge-share').click();
  const link = await page.locator('#challenge-link').inputValue();
  expect(link).toContain('?challenge=lose-a-dc&seed=1#v1.');
  // Progress is kept beside the stages' outline.
  await expect(page.locator('#course-challenges summary')).toContainText('1/3');

  // A fresh browser opens the link: the challenge, that design, re-checked by running it.
  const fresh = await browser.newContext();
  const other = await fresh.newPage();
  const otherErrors = watchErrors(other);
  await open(other, link);
  await expect(other.locator('#challenge-shared')).toContainText('seed 1');
  await expect(other.locator('#course-title')).toHaveText('Lose a data centre, lose no writes');
  await expect(other.locator('#goal-verdict')).toHaveAttribute('data-verdict', 'met', { timeout: 90_000 });
  await expect(other.locator('#course-goal tbody tr[data-met="true"]')).toHaveCount(4);

  // The starting design dressed up as a result link is run too, and shown missed.
  const forged = await fresh.newPage();
  await open(forged, `/index.html?challenge=lose-a-dc&seed=1#${startFragment}`);
  await expect(forged.locator('#challenge-shared')).toBeVisible();
  await expect(forged.locator('#goal-verdict')).toHaveAttribute('data-verdict', 'missed', { timeout: 90_000 });
  await expect(forged.locator('#challenge-share')).toHaveCount(0);
  await fresh.close();
  expect(errors).toEqual([]);
  expect(otherErrors).toEqual([]);
});

test('a challenge in Korean, and deleting its fault does not pass', async ({ page }) => {
  await open(page, '/?challenge=spike');
  await expect(page.locator('#course-title')).toHaveText('Absorb a ×10 spike');
  await page.locator('#lang').click();
  await expect(page.locator('#course-title')).toHaveText('×10 급증 흡수하기');
  await expect(page.locator('#challenge-script')).toContainText('그대로임');
  await page.locator('#lang').click();
  // Calming the users' traffic takes the challenge's script away: the row says so in words.
  await node(page, 'users').focus();
  await page.keyboard.press('Enter');
  await page.locator('#rate').fill('500');
  await expect(page.locator('#challenge-script')).toHaveAttribute('data-met', 'false');
  await expect(page.locator('#challenge-script')).toContainText('changed');
  await expect(page.locator('#goal-verdict')).toHaveAttribute('data-verdict', 'missed');
});
