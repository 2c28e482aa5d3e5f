// Shared helpers of the browser tests: reading the app's data attributes and its URL.
import { Page } from '@playwright/test';
import { inflateRawSync, inflateSync } from 'zlib';

/** The design in a page's URL fragment, decoded the way the app encodes it: `c` is zlib (with
 * its checksum), `z` the older raw deflate. */
export function designInUrl(url: string): any {
  const checked = url.split('#v1.c.')[1];
  if (checked) return JSON.parse(inflateSync(Buffer.from(checked, 'base64url')).toString());
  const payload = url.split('#v1.z.')[1];
  if (!payload) return null;
  return JSON.parse(inflateRawSync(Buffer.from(payload, 'base64url')).toString());
}

/** Console errors and uncaught exceptions seen by a page. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

export async function metric(page: Page, id: string): Promise<number> {
  return Number(await page.locator(`#${id}`).getAttribute('data-value'));
}

export async function windows(page: Page): Promise<number> {
  return Number(await page.locator('#live').getAttribute('data-windows'));
}

/** Rows of the table view, newest first. */
export async function rows(page: Page) {
  return page.locator('#windows-table tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    p99: Number(tr.getAttribute('data-p99')),
    errors: Number(tr.getAttribute('data-errors')),
    throughput: Number(tr.getAttribute('data-throughput')),
  })));
}


/** Opens the app and waits until it is ready for input. */
export async function open(page: Page, path = '/') {
  await page.goto(path);
  await page.locator('.app[data-ready="true"]').waitFor();
}
