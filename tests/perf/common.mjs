// Shared pieces of the performance scripts: the app's URL encoding, a loopback static server for
// dist/, and the stage-5 design at a given rate.
import { readFileSync, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { deflateSync } from 'node:zlib';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The URL fragment the app writes: `v1.c.` + base64url without padding of zlib-compressed
 *  JSON, whose Adler-32 checksum the app verifies (crates/design/src/codec.rs). */
export function fragment(design) {
  const compressed = deflateSync(Buffer.from(JSON.stringify(design), 'utf8'), { level: 9 });
  return `v1.c.${compressed.toString('base64url')}`;
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm',
  '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml', '.webmanifest': 'application/manifest+json' };

/** A minimal static server for dist/ (loopback only), for runs without one already up. Like
 *  GitHub Pages it lets browsers cache a file for ten minutes; `onFile(path)` hears each file sent. */
export function serve(dir, port, onFile = () => {}) {
  const base = resolve(dir);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) { res.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'max-age=600' });
    res.end(readFileSync(file));
    onFile(file);
  });
  return new Promise((ok) => server.listen(port, '127.0.0.1', () => ok(server)));
}

/** Stage 5 (users → LB → 3 web servers → cache → DB with 2 replicas) with every users node at `rps`. */
export function stage5(rps) {
  const design = JSON.parse(readFileSync(join(ROOT, 'designs', 'stage05-cache.json'), 'utf8'));
  for (const node of design.nodes) if (node.kind === 'users') node.rate_rps = rps;
  return design;
}
