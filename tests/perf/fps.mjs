// Frames per second of the running app (issue 4, "Performance"): loads the stage-5 design (cache
// tier) at 10 000 requests/s into the built app, starts the run and counts animation frames in
// headless Chromium for ten seconds. Prints one JSON line: {fps, seconds, windows, ...}.
//
//   node tests/perf/fps.mjs [url]             # the app already served (default http://127.0.0.1:8081/)
//   node tests/perf/fps.mjs --serve dist [port]  # serve dist/ on loopback first (default port 8081)
//   ... --no-flow                             # under reduced motion: the request dots off (A/B)
//
// Besides frames, it reports the main thread's work per second from the DevTools protocol (all
// tasks, script, style recalculation, layout) and the long tasks (over 50 ms) the page saw: on
// this shared, loaded machine those say what the page costs where the frame rate says as much
// about the other builds.
import { chromium } from '@playwright/test';
import { join } from 'node:path';
import { ROOT, fragment, serve, stage5 } from './common.mjs';

const SECONDS = 10;
const RATE_RPS = 10_000;

async function main() {
  const noFlow = process.argv.includes('--no-flow');
  const args = process.argv.slice(2).filter((a) => a !== '--no-flow');
  let server = null;
  let url = 'http://127.0.0.1:8081/';
  if (args[0] === '--serve') {
    const port = Number(args[2] ?? 8081);
    server = await serve(args[1] ?? join(ROOT, 'dist'), port);
    url = `http://127.0.0.1:${port}/`;
  } else if (args[0]) {
    url = args[0];
  }

  const design = stage5(RATE_RPS);

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
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url.split('#')[0]}#${fragment(design)}`);
    await page.locator('#start').click();
    const windows = () => page.locator('#live').getAttribute('data-windows').then(Number);
    // Measure the steady state: the worker is streaming windows and the charts have data.
    const deadline = Date.now() + 30_000;
    while ((await windows()) < 2 && Date.now() < deadline) await page.waitForTimeout(100);
    const before = await windows();
    // Main-thread busy time (script, layout, style, paint tasks) over the same interval, from the
    // DevTools protocol: tells whether a low figure is the page's fault or the machine's.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics
      .map((m) => [m.name, m.value]));
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    const m0 = await metrics();
    const frames = await page.evaluate((seconds) => new Promise((done) => {
      let n = 0;
      let worst = 0;
      let last = null;
      let t0 = null;
      const tick = (t) => {
        if (t0 === null) t0 = t; else { n += 1; worst = Math.max(worst, t - last); }
        last = t;
        if (t - t0 < seconds * 1000) requestAnimationFrame(tick);
        else done({ n, ms: t - t0, worst });
      };
      requestAnimationFrame(tick);
    }), SECONDS);
    const m1 = await metrics();
    const longTasks = await page.evaluate(() => window.__longTasks);
    const dots = await page.locator('.flow-layer .dot').count();
    const after = await windows();
    const draws = await page.locator('canvas[id^="chart-"]').evaluateAll((cs) =>
      Object.fromEntries(cs.map((c) => [c.id, Number(c.getAttribute('data-draws') ?? 0)])));
    const seconds = frames.ms / 1000;
    console.log(JSON.stringify({
      fps: Math.round((frames.n / seconds) * 10) / 10,
      seconds: Math.round(seconds * 100) / 100,
      windows: after,
      windows_during: after - before,
      frames: frames.n,
      worst_frame_ms: Math.round(frames.worst * 10) / 10,
      main_thread_busy: Math.round(((m1.TaskDuration - m0.TaskDuration) / seconds) * 1000) / 1000,
      script_busy: Math.round(((m1.ScriptDuration - m0.ScriptDuration) / seconds) * 1000) / 1000,
      style_busy: Math.round(((m1.RecalcStyleDuration - m0.RecalcStyleDuration) / seconds) * 1000) / 1000,
      layout_busy: Math.round(((m1.LayoutDuration - m0.LayoutDuration) / seconds) * 1000) / 1000,
      long_tasks: longTasks.length,
      long_task_ms: Math.round(longTasks.reduce((a, b) => a + b, 0)),
      flow: !noFlow,
      dots,
      chart_draws: draws,
      rate_rps: RATE_RPS,
      page_errors: errors,
    }));
  } finally {
    await browser.close();
    if (server) server.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
