// What a cold visit downloads: opens the app and an embed (stage 3) in a fresh Chromium profile
// against dist/, records every file the server sends until the page is running (a file sent twice
// counts twice; the server lets the browser cache like GitHub Pages does), and sums each file's
// size raw and gzip -9 (what a static host that compresses sends). Then the same visits with the
// service worker on, which precaches the build after the page runs so it works offline.
// `node tests/perf/transfer.mjs [--json] [--dist DIR]` after `trunk build --release`.
import { chromium } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { ROOT, fragment, serve } from './common.mjs';

const PORT = 8097;
const at = process.argv.indexOf('--dist');
const dist = at > 0 ? process.argv[at + 1] : join(ROOT, 'dist');
const stage3 = JSON.parse(readFileSync(join(ROOT, 'designs', 'stage03-load-balancer.json'), 'utf8'));

async function visit(browser, path, ready, { offline = false } = {}) {
  const context = await browser.newContext({ serviceWorkers: offline ? 'allow' : 'block' });
  const page = await context.newPage();
  sent.length = 0;
  await page.goto(`http://127.0.0.1:${PORT}${path}`);
  await page.locator(ready).waitFor();
  // Let the worker start and stream (its wasm loads after the page's).
  await page.waitForTimeout(1500);
  // With `offline`, also what the service worker then fetches to work offline.
  if (offline) await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  await context.close();
  const rows = [...sent].sort().map((file) => {
    const body = readFileSync(file);
    return { file: relative(dist, file), raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  const sum = (k) => rows.reduce((a, r) => a + r[k], 0);
  return { files: rows, raw: sum('raw'), gzip: sum('gzip') };
}

const sent = [];
const server = await serve(dist, PORT, (file) => sent.push(file));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ['--no-sandbox'] });
const app = await visit(browser, '/index.html', '.app[data-ready="true"]');
// A build without embed.html (before the embed existed) measures the app only.
const embed = existsSync(join(dist, 'embed.html'))
  ? await visit(browser, `/embed.html#${fragment(stage3)}`, '#embed[data-state="running"]')
  : { files: [], raw: 0, gzip: 0 };
const offline = {
  app: await visit(browser, '/index.html', '.app[data-ready="true"]', { offline: true }),
  embed: await visit(browser, `/embed.html#${fragment(stage3)}`, '#embed[data-state="running"]', { offline: true }),
};
await browser.close();
server.close();

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ app, embed, offline }, null, 2));
} else {
  const kb = (n) => (n / 1024).toFixed(0).padStart(5) + ' KiB';
  for (const [name, v] of [['app', app], ['embed', embed]]) {
    console.log(`${name}: ${kb(v.gzip)} gzip -9 (${kb(v.raw)} raw) in ${v.files.length} files`);
    for (const f of v.files) console.log(`  ${kb(f.gzip)} ${kb(f.raw)}  ${f.file}`);
  }
  for (const [name, v] of Object.entries(offline)) {
    console.log(`${name} and then the service worker's precache (offline after one visit): ${kb(v.gzip)} gzip -9 in ${v.files.length} files`);
  }
}
