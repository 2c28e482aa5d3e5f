// One screen (issue 16): on a 1280x720 desktop and a 390x844 phone, every stage shows its canvas,
// headline numbers and main charts in the viewport, with no text under 12 px and no two canvas
// labels (or a label and a port) overlapping; requests move along the connections while the run
// goes and not under reduced motion; a selected connection is deleted with Delete or Backspace;
// the empty canvas says what to add first; the picker names the loaded design.
import { test, expect, Page } from '@playwright/test';
import { designInUrl, open, watchErrors, windows } from './helpers';

const SIZES = [
  { name: 'desktop', width: 1280, height: 720 },
  { name: 'phone', width: 390, height: 844 },
];

/** What the test measures in the page, in one evaluation. */
async function measure(page: Page) {
  return page.evaluate(() => {
    const vw = window.innerWidth;
    // A fixed bar at the bottom (the phone's run controls) hides what is under it.
    const bar = document.querySelector('.run-controls');
    const barTop = bar && getComputedStyle(bar).position === 'fixed' ? bar.getBoundingClientRect().top : window.innerHeight;
    const box = (el: Element | null) => {
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const inView = (el: Element | null, bottom = barTop) => {
      const r = box(el);
      return !!r && r.left >= -0.5 && r.top >= -0.5 && r.right <= vw + 0.5 && r.bottom <= bottom + 0.5 && r.bottom > r.top;
    };
    const small: string[] = [];
    // Every element with text of its own that is drawn inside the visible area.
    for (const el of Array.from(document.querySelectorAll('body *'))) {
      if (['OPTION', 'SCRIPT', 'STYLE', 'TITLE', 'NOSCRIPT'].includes(el.tagName.toUpperCase())) continue;
      if (el.closest('title, select')) continue;
      const own = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== '');
      if (!own) continue;
      const style = getComputedStyle(el);
      if (style.visibility !== 'visible' || el.getClientRects().length === 0) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.bottom <= 0 || r.top >= barTop || r.right <= 0 || r.left >= vw) continue;
      let size = parseFloat(style.fontSize);
      if (el instanceof SVGElement) {
        const ctm = (el as SVGGraphicsElement).getScreenCTM?.();
        if (ctm) size *= Math.hypot(ctm.a, ctm.b);
      }
      if (size < 11.99) small.push(`${el.tagName}.${el.getAttribute('class') ?? ''} "${el.textContent!.trim().slice(0, 30)}" ${size.toFixed(1)}px`);
    }
    // Canvas labels against each other and against the ports.
    const labels = Array.from(document.querySelectorAll('svg.editor text')).map((el) => ({ el, r: el.getBoundingClientRect() }));
    const ports = Array.from(document.querySelectorAll('svg.editor .port')).map((el) => ({ el, r: el.getBoundingClientRect() }));
    const overlap = (a: DOMRect, b: DOMRect) =>
      Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    const name = (el: Element) => `${el.getAttribute('class') ?? el.tagName} "${el.textContent!.trim().slice(0, 24)}"`;
    const overlaps: string[] = [];
    for (let i = 0; i < labels.length; i++) {
      for (let j = i + 1; j < labels.length; j++) {
        if (overlap(labels[i].r, labels[j].r)) overlaps.push(`${name(labels[i].el)} × ${name(labels[j].el)}`);
      }
      for (const port of ports) {
        if (overlap(labels[i].r, port.r)) overlaps.push(`${name(labels[i].el)} × port ${port.el.getAttribute('data-port')}`);
      }
    }
    const charts = Array.from(document.querySelectorAll('.dash-main canvas'));
    return {
      canvas: inView(document.querySelector('svg.editor')),
      headline: inView(document.querySelector('.now .live')),
      charts: charts.length,
      chartsInView: charts.filter((c) => inView(c)).length,
      start: inView(document.querySelector('#start, #pause'), window.innerHeight),
      small,
      overlaps,
      labels: labels.length,
    };
  });
}

for (const size of SIZES) {
  test(`every stage fits one ${size.name} screen, readable and without overlaps`, async ({ browser }) => {
    test.setTimeout(180_000);
    const page = await browser.newPage({ viewport: { width: size.width, height: size.height } });
    const errors = watchErrors(page);
    await open(page, '/');
    // The 11 stages and the 4 designs beyond the chapter.
    const stages = await page.locator('#stage option[value]:not([value=""])').count();
    expect(stages).toBe(15);
    for (let i = 0; i < stages; i++) {
      await page.locator('#stage').selectOption(String(i));
      await expect(page.locator('#stage-title')).toContainText(i < 11 ? String(i + 1) : 'Extra');
      // A few windows, so the live badges and error badges are drawn too.
      await page.locator('#speed').selectOption('20');
      await page.locator('#start').click();
      await expect.poll(() => windows(page), { timeout: 30_000 }).toBeGreaterThanOrEqual(2);
      await page.locator('#pause').click();
      await page.evaluate(() => window.scrollTo(0, 0));
      const m = await measure(page);
      const where = `${size.name}, stage ${i + 1}`;
      expect(m.canvas, `${where}: canvas in view`).toBe(true);
      expect(m.headline, `${where}: headline numbers in view`).toBe(true);
      expect(m.charts, `${where}: main charts`).toBeGreaterThanOrEqual(2);
      expect(m.chartsInView, `${where}: main charts in view`).toBe(m.charts);
      expect(m.start, `${where}: Start in view`).toBe(true);
      expect(m.labels, where).toBeGreaterThan(6);
      expect(m.small, `${where}: text under 12 px`).toEqual([]);
      expect(m.overlaps, `${where}: overlapping labels`).toEqual([]);
      await page.locator('#reset').click();
    }
    expect(errors).toEqual([]);
    await page.close();
  });
}

test('requests move along the connections while the run goes, as many as the traffic', async ({ page }) => {
  await open(page, '/');
  await page.locator('#stage').selectOption('4');
  await expect(page.locator('.flow-layer .dot')).toHaveCount(0);
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  // Every web server's lookups reach the cache, and its hits come back from it in green.
  const intoCache = page.locator('.flow-layer [data-flow-from="web0"][data-flow-to="cache"]');
  await expect(intoCache.locator('.dot.returning').first()).toBeAttached();
  // Each dot moves by a running CSS animation (composited, off the main thread), a hit backwards.
  const moving = await page.locator('.flow-layer .dot').evaluateAll((dots) =>
    dots.every((d) => d.getAnimations().some((a) => a.playState === 'running')));
  expect(moving).toBe(true);
  const back = await intoCache.locator('.dot.returning').first().evaluate((d) => getComputedStyle(d).animationDirection);
  expect(back).toBe('reverse');
  const dots = async (from: string, to: string) =>
    Number(await page.locator(`.topology [data-from="${from}"][data-to="${to}"]`).getAttribute('data-dots'));
  // The load balancer's connection carries a third of what reaches it; a miss goes on to the database.
  expect(await dots('dns', 'lb')).toBeGreaterThan(await dots('lb', 'web0'));
  expect(await dots('cache', 'db')).toBeGreaterThanOrEqual(1);
  // Pausing stops them.
  await page.locator('#pause').click();
  await expect(page.locator('.flow-layer .dot')).toHaveCount(0);
});

test('a failing server turns its requests red', async ({ page }) => {
  await open(page, '/');
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  await page.locator('#kill-server').click();
  await expect(page.locator('.flow-layer [data-flow-to="server"] .dot.failing').first()).toBeAttached({ timeout: 20_000 });
});

test('under reduced motion no request moves', async ({ browser }) => {
  const context = await browser.newContext({ reducedMotion: 'reduce' });
  const page = await context.newPage();
  await open(page, '/');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(3);
  await expect(page.locator('.flow-layer .dot')).toHaveCount(0);
  await context.close();
});

for (const key of ['Delete', 'Backspace']) {
  test(`${key} removes a selected connection`, async ({ page }) => {
    await open(page, '/');
    const edge = page.locator('.topology [data-from="dns"][data-to="server"]');
    await edge.locator('.edge-hit').click();
    await expect(edge).toHaveClass(/selected/);
    await page.keyboard.press(key);
    await expect(edge).toHaveCount(0);
    await expect.poll(() => designInUrl(page.url())?.edges?.length).toBe(1);
    await expect(page.locator('.topology [data-node]')).toHaveCount(3);
  });
}

test('the empty canvas says what to add first, not a validation error', async ({ page }) => {
  await open(page, '/');
  await page.locator('#new-design').click();
  await expect(page.locator('#first-step')).toContainText('Users');
  await expect(page.locator('#notice')).toHaveCount(0);
  await page.locator('.palette-item[data-kind="users"]').click();
  await expect(page.locator('#first-step')).toContainText('Web server');
  await page.locator('.palette-item[data-kind="server"]').click();
  await expect(page.locator('#first-step')).toContainText('port');
  await expect(page.locator('#notice')).toHaveCount(0);
  // Both landed in view, side by side rather than on top of each other.
  const a = await page.locator('.topology [data-node="users"] rect').first().boundingBox();
  const b = await page.locator('.topology [data-node="server"] rect').first().boundingBox();
  const svg = await page.locator('svg.editor').boundingBox();
  for (const r of [a!, b!]) {
    expect(r.x).toBeGreaterThanOrEqual(svg!.x);
    expect(r.x + r.width).toBeLessThanOrEqual(svg!.x + svg!.width);
  }
  expect(Math.abs(a!.x - b!.x) >= a!.width || Math.abs(a!.y - b!.y) >= a!.height).toBe(true);
});

test('the picker names the loaded design, in both languages', async ({ page }) => {
  await open(page, '/');
  const picked = () => page.locator('#stage').evaluate((s: HTMLSelectElement) => s.selectedOptions[0].textContent);
  expect(await picked()).toBe('Stage 1: single server (steady)');
  await expect(page.locator('#default-note')).toContainText('Stage 1');
  await page.locator('#lang').click();
  expect(await picked()).toBe('1단계: 단일 서버 (일정한 트래픽)');
  await page.locator('#lang').click();
  await page.locator('#stage').selectOption('0');
  expect(await picked()).toBe('Stage 1: single server');
  await expect(page.locator('#default-note')).toHaveCount(0);
});

test('on a phone the palette and the inspector are sheets, and Start stays in reach', async ({ browser }) => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  await open(page, '/');
  await expect(page.locator('.palette-item').first()).toBeHidden();
  await page.locator('#add-component').tap();
  await page.locator('.palette-item[data-kind="cache"]').tap();
  await expect(page.locator('.topology [data-node="cache"]')).toHaveCount(1);
  await expect(page.locator('.palette-item').first()).toBeHidden();
  // The new node is selected: its inspector rises from the bottom, above the run controls.
  const start = await page.locator('#start').boundingBox();
  await expect.poll(async () => {
    const sheet = await page.locator('.inspector-column.open').boundingBox();
    return sheet!.y + sheet!.height;
  }).toBeLessThanOrEqual(start!.y + 1);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  expect(await page.locator('#start').isVisible()).toBe(true);
  const bar = await page.locator('#start').boundingBox();
  expect(bar!.y + bar!.height).toBeLessThanOrEqual(844);
  await page.locator('#close-inspector').tap();
  await expect(page.locator('.inspector-column.open')).toHaveCount(0);
  await page.close();
});

test('node badges show each node\'s own p99 beside its load and queue', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#stage').selectOption('4');
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  await page.locator('#pause').click();
  const p99 = async (node: string) => {
    const text = await page.locator(`.topology [data-node="${node}"] .badge`).textContent() ?? '';
    const m = text.match(/p99 ([\d.]+) ms/);
    return m ? Number(m[1]) : NaN;
  };
  // A web server answers after its cache (and the database on a miss): its p99 is the larger.
  const [web, cache] = [await p99('web0'), await p99('cache')];
  expect(web).toBeGreaterThan(0);
  expect(cache).toBeGreaterThan(0);
  expect(web).toBeGreaterThan(cache);
  await expect(page.locator('.topology [data-node="web0"] .badge')).toContainText(/Queue \d+/i);
  expect(errors).toEqual([]);
});

test('the secondary charts fold into tabs, moved with the arrow keys and remembered per design', async ({ page }) => {
  const errors = watchErrors(page);
  await open(page, '/');
  await page.locator('#stage').selectOption('4');
  await page.locator('#speed').selectOption('20');
  await page.locator('#start').click();
  await expect.poll(() => windows(page)).toBeGreaterThanOrEqual(2);
  const tabs = page.locator('#chart-tabs [role="tab"]');
  const count = await tabs.count();
  expect(count).toBeGreaterThanOrEqual(2);
  // One panel shown, the others hidden; the chosen tab is the only one in the tab order.
  await expect(page.locator('.dash-grid [role="tabpanel"]:not([hidden])')).toHaveCount(1);
  await expect(tabs.first()).toHaveAttribute('aria-selected', 'true');
  await expect(tabs.nth(1)).toHaveAttribute('tabindex', '-1');
  await tabs.first().focus();
  await page.keyboard.press('ArrowRight');
  const second = await tabs.nth(1).getAttribute('data-chart');
  await expect(tabs.nth(1)).toHaveAttribute('aria-selected', 'true');
  await expect(tabs.nth(1)).toBeFocused();
  await expect(page.locator(`#tabpanel-${second}`)).toBeVisible();
  await expect(page.locator(`#tabpanel-${second} canvas`)).toHaveAttribute('data-draws', /^[1-9]/);
  await page.keyboard.press('ArrowLeft');
  await expect(tabs.first()).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(tabs.nth(count - 1)).toHaveAttribute('aria-selected', 'true');
  const last = await tabs.nth(count - 1).getAttribute('data-chart');
  // Another design and back: the tab chosen for stage 5 is still chosen.
  await page.locator('#pause').click();
  await page.locator('#stage').selectOption('1');
  await page.locator('#stage').selectOption('4');
  await expect(page.locator(`#tab-${last}`)).toHaveAttribute('aria-selected', 'true');
  expect(errors).toEqual([]);
});
