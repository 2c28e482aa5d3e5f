// README's screenshots (docs/img/): the release build in dist/ served on loopback, driven in
// Debian's Chromium. Desktop at 1280x720 (stage 5 at 10 000 req/s), phone at 390x844 (stage 5
// with the inspector's bottom sheet), dark mode (stage 8 after its eu data centre failed).
//
//   node scripts/screenshots.mjs [port]     # after `trunk build --release`
import { chromium } from '@playwright/test';
import { join } from 'node:path';
import { ROOT, fragment, serve, stage5 } from '../tests/perf/common.mjs';

const port = Number(process.argv[2] ?? 8095);
const server = await serve(join(ROOT, 'dist'), port);
const url = `http://127.0.0.1:${port}/`;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});

/** Opens `hash` in a fresh page, runs it until `seconds` of simulated time, and pauses. */
async function run(options, hash, seconds, stage) {
  const page = await browser.newPage(options);
  await page.goto(url + hash);
  await page.locator('.app[data-ready="true"]').waitFor();
  if (stage !== undefined) await page.locator('#stage').selectOption(String(stage));
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  const time = () => page.locator('#m-time').getAttribute('data-value').then(Number);
  while ((await time()) < seconds) await page.waitForTimeout(200);
  return page;
}

try {
  const design = '#' + fragment(stage5(10_000));
  const desktop = await run({ viewport: { width: 1280, height: 720 } }, design, 20);
  // The dots are mid-flight: the picture is taken while the run goes.
  await desktop.screenshot({ path: join(ROOT, 'docs/img/desktop.png') });
  await desktop.close();

  const phone = await run({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, design, 15);
  await phone.locator('#pause').tap();
  await phone.locator('.topology [data-node="users"]').tap();
  await phone.waitForTimeout(400);
  await phone.screenshot({ path: join(ROOT, 'docs/img/phone.png') });
  await phone.close();

  const dark = await run({ viewport: { width: 1280, height: 720 }, colorScheme: 'dark' }, '', 45, 7);
  await dark.screenshot({ path: join(ROOT, 'docs/img/dark.png') });
  await dark.close();
} finally {
  await browser.close();
  server.close();
}
