// The engine's speed in the browser against native (issue 3: wasm at least 0.7× native). Runs the
// stage-5 design at 10 000 requests/s in the app's worker at maximum speed and measures simulated
// seconds per wall second, then runs the same design with the native CLI and compares. The worker
// computes in 45 ms slices every 50 ms tick, so at most 90 % of wall time goes to simulating; the
// ratio is reported both raw and per busy second.
//
//   cargo build --release -p scalelab-cli && trunk build --release
//   node tests/perf/wasm-speed.mjs [--dist DIR]
import { chromium } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, fragment, serve, stage5 } from './common.mjs';

const RATE_RPS = 10_000;
const WALL_SECONDS = 15;
const BUSY_SHARE = 45 / 50;

const design = stage5(RATE_RPS);
design.faults = [];

// Native: simulated seconds per wall second of `scalelab run`.
const dir = mkdtempSync(join(tmpdir(), 'scalelab-'));
const file = join(dir, 'stage5.json');
writeFileSync(file, JSON.stringify(design));
const simulated = 120;
const report = JSON.parse(execFileSync(join(ROOT, 'target', 'release', 'scalelab'),
  ['run', file, '--duration', String(simulated), '--warmup', '0', '--json'], { encoding: 'utf8' }));
const native = simulated / (report.wall_ms / 1000);

// Browser: the worker at maximum speed.
const at = process.argv.indexOf('--dist');
const server = await serve(at > 0 ? process.argv[at + 1] : join(ROOT, 'dist'), 8095);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:8095/#${fragment(design)}`);
  await page.locator('.app[data-ready="true"]').waitFor();
  await page.locator('#speed').selectOption('max');
  await page.locator('#start').click();
  const simTime = async () => Number(await page.locator('#m-time').getAttribute('data-value'));
  while ((await simTime()) < 5) await page.waitForTimeout(100);
  const t0 = await simTime();
  const w0 = Date.now();
  await page.waitForTimeout(WALL_SECONDS * 1000);
  const t1 = await simTime();
  const wasm = (t1 - t0) / ((Date.now() - w0) / 1000);
  console.log(JSON.stringify({
    native_sim_s_per_s: Math.round(native * 100) / 100,
    wasm_sim_s_per_s: Math.round(wasm * 100) / 100,
    ratio: Math.round((wasm / native) * 100) / 100,
    ratio_per_busy_second: Math.round((wasm / BUSY_SHARE / native) * 100) / 100,
  }));
} finally {
  await browser.close();
  server.close();
}
