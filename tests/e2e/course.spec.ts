// The guided course in a real browser: stage 1 and stage 5 walked from briefing to debrief by
// doing each step, progress kept across a reload, a link opening a stage at a step, and Korean.
import { test, expect, Page } from '@playwright/test';
import { open, watchErrors } from './helpers';

const step = (page: Page, n: number) => page.locator('#course-steps .course-step').nth(n);
const node = (page: Page, id: string) => page.locator(`.topology [data-node="${id}"]`);

/** Selects a node from the keyboard (Tab to it, Enter), as a keyboard-only learner does: the
 * running canvas animates, so a pointer aimed at it can land on a moving target. */
async function select(page: Page, id: string) {
  await node(page, id).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#field-id')).toHaveValue(id);
}

async function setRate(page: Page, rps: number) {
  await page.locator('#rate').fill(String(rps));
  await expect(page.locator('#rate-value')).toHaveText(String(rps));
}

async function expectDone(page: Page, n: number) {
  await expect(step(page, n)).toHaveAttribute('data-done', 'true', { timeout: 40_000 });
  await expect(step(page, n)).toContainText('done');
}

test('stage 1 from briefing to debrief by doing the steps', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#course-outline .course-stage[data-stage="1"]').click();
  await expect(page.locator('#course')).toHaveAttribute('data-stage', '1');
  await expect(page.locator('#course-briefing')).toContainText('one server');
  await expect(step(page, 0)).toHaveAttribute('aria-current', 'step');
  await page.locator('#speed').selectOption('20');

  await page.locator('#start').click();
  await expectDone(page, 0);
  await setRate(page, 95);
  await expectDone(page, 1);
  await page.locator('#kill-server').click();
  await expectDone(page, 2);
  // Scale up at the stage's traffic: the edit restarts the run on the bigger server.
  await setRate(page, 50);
  await select(page, 'server');
  await page.locator('#field-instance').selectOption('ec2_m5_xlarge');
  await expectDone(page, 3);

  // The goal is judged over simulated seconds 30-90 of this run, its rows read in words.
  await expect(page.locator('#goal-verdict')).toHaveAttribute('data-verdict', 'met', { timeout: 60_000 });
  await expect(page.locator('#course-goal tbody tr')).toHaveCount(4);
  await expect(page.locator('#course-goal tbody tr[data-met="true"]')).toHaveCount(4);
  await expect(page.locator('#course-goal tbody tr').first()).toContainText('met');
  await expect(page.locator('#course-debrief')).toContainText('Scaling up');
  await expect(page.locator('#course-debrief')).toContainText('req/s');
  await expect(page.locator('#course-next')).toContainText('web tier');
  await expect(page.locator('#course-next-stage')).toBeVisible();

  // Progress survives a reload, shown in the outline.
  await page.reload();
  await page.locator('.app[data-ready="true"]').waitFor();
  await expect(page.locator('#course-outline li').first()).toHaveAttribute('data-done', 'true');
  await expect(page.locator('#course-outline summary')).toContainText('1/11');
  expect(errors).toEqual([]);
});

test('stage 5 from briefing to debrief by doing the steps', async ({ page }) => {
  test.setTimeout(150_000);
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#course-outline .course-stage[data-stage="5"]').click();
  await expect(page.locator('#stage-title')).toHaveText('Stage 5: cache tier');
  await expect(page.locator('#course-briefing')).toContainText('hit ratio');
  await page.locator('#speed').selectOption('20');

  await page.locator('#start').click();
  await expectDone(page, 0);
  await select(page, 'cache');
  await page.locator('#field-fill_from').selectOption('replicas');
  await expectDone(page, 1);
  await page.locator('#field-write_strategy').selectOption('write_around');
  await expectDone(page, 2);
  await page.locator('#field-write_strategy').selectOption('invalidate');
  await page.locator('#field-fill_from').selectOption('primary');
  await page.locator('#field-capacity').fill('30000');
  await page.locator('#field-capacity').press('Enter');
  await expectDone(page, 3);

  await expect(page.locator('#goal-verdict')).toHaveAttribute('data-verdict', 'met', { timeout: 90_000 });
  await expect(page.locator('#course-goal tbody tr[data-met="true"]')).toHaveCount(4);
  await expect(page.locator('#course-debrief')).toContainText('bigger cache');
  await expect(page.locator('#course-next')).toContainText('CDN');
  // The next stage's problem is one click away.
  await page.locator('#course-next-stage').click();
  await expect(page.locator('#course')).toHaveAttribute('data-stage', '6');
  await expect(page.locator('#stage-title')).toContainText('Stage 6');
  expect(errors).toEqual([]);
});

test('a link opens a stage at a step, and the course speaks Korean', async ({ page }) => {
  await open(page, '/?course=5.3');
  await expect(page.locator('#course')).toHaveAttribute('data-stage', '5');
  await expect(page.locator('#stage-title')).toHaveText('Stage 5: cache tier');
  await expect(step(page, 0)).toHaveAttribute('data-done', 'true');
  await expect(step(page, 1)).toHaveAttribute('data-done', 'true');
  await expect(step(page, 2)).toHaveAttribute('aria-current', 'step');
  expect(page.url()).toContain('course=5.3');
  await page.locator('#lang').click();
  await expect(page.locator('#course-briefing')).toContainText('적중률');
  await expect(page.locator('#goal-verdict')).toHaveText('진행 중');
  // The sandbox leaves the course; the link forgets the position.
  await page.locator('#course-sandbox').click();
  await expect(page.locator('#course-sandbox-hint')).toBeVisible();
  await expect.poll(() => page.url()).not.toContain('course=');
});
