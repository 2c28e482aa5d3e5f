// Where the main thread's time goes with stage 5 running at 10 000 req/s: a five-second DevTools
// trace of the running app, summed by top-level event (script, paint, commit, style, layout…)
// on the renderer's main thread, in milliseconds per second. Prints one line.
//
//   node tests/perf/trace.mjs [--no-flow] [--css RULES] [port]   # serves dist/ (default 8097)
//
// `--no-flow` runs under reduced motion (no request dots, and no CSS transitions the stylesheet
// turns off for it); `--css` adds rules to the page, to try a change without a build.
import { chromium } from '@playwright/test';
import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { ROOT, fragment, serve, stage5 } from './common.mjs';

const SECONDS = 5;
const noFlow = process.argv.includes('--no-flow');
const cssAt = process.argv.indexOf('--css');
const css = cssAt > 0 ? process.argv[cssAt + 1] : null;
const port = Number(process.argv.slice(2).find((a, i, all) => /^\d+$/.test(a) && all[i - 1] !== '--css') ?? 8097);
const out = `/tmp/scalelab-trace-${process.pid}.json`;

const server = await serve(join(ROOT, 'dist'), port);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 1000 },
    reducedMotion: noFlow ? 'reduce' : 'no-preference',
  });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/#${fragment(stage5(10_000))}`);
  if (css) await page.addStyleTag({ content: css });
  await page.locator('#start').click();
  // The steady state: windows streaming, charts and dots drawn.
  await page.waitForTimeout(4000);
  await browser.startTracing(page, { path: out, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] });
  await page.waitForTimeout(SECONDS * 1000);
  await browser.stopTracing();
  const trace = JSON.parse(await readFile(out, 'utf8'));
  const events = trace.traceEvents ?? trace;
  const main = new Set(events
    .filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .map((e) => `${e.pid}:${e.tid}`));
  const sums = {};
  for (const e of events) {
    if (e.ph !== 'X' || !main.has(`${e.pid}:${e.tid}`)) continue;
    sums[e.name] = (sums[e.name] ?? 0) + (e.dur ?? 0) / 1000;
  }
  const perSecond = Object.fromEntries(Object.entries(sums)
    .sort((a, b) => b[1] - a[1]).slice(0, 12)
    .map(([k, v]) => [k, Math.round((v / SECONDS) * 10) / 10]));
  console.log(JSON.stringify({ flow: !noFlow, css, ms_per_s: perSecond }));
} finally {
  await browser.close();
  server.close();
}
