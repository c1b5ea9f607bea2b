import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Where `npm run build:dashboard` (and `npm start`) put the built dashboard. */
export const DEFAULT_DASHBOARD_DIR = resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'dist',
  'dashboard',
);

/** The types of what the build writes; anything else is served as bytes. */
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/**
 * A hashed file name the build writes (`main-ABC123.js`, `chunk-XYZ.js`): one segment, no
 * percent-encoding, no dot-dot. Anything else under /assets is not a file of ours: 404, so no
 * path can leave the directory.
 */
const ASSET = /^\/assets\/([A-Za-z0-9_-]+(?:\.[A-Za-z0-9]+)+)$/;

/** Larger files are streamed uncompressed rather than held in memory. */
const CACHED_MAX_BYTES = 4 * 1024 * 1024;

export interface DashboardFiles {
  /** Answers the request when it is the dashboard's (a page or an asset); false otherwise. */
  answer(req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * The dashboard on the gateway's port (docs/adr/0020-dashboard-stack.md, decision 3): `GET /`
 * and the page paths a browser navigates to (it asks for HTML) answer index.html, not cached;
 * `/assets/*` the content-hashed files, cached for a year. The API's paths (`/v1/...`) are never
 * the dashboard's; a client asking for JSON at an unknown path still gets the API's 404.
 */
export function dashboardFiles(dir: string = DEFAULT_DASHBOARD_DIR): DashboardFiles {
  // Hashed names never change content: each is read (and gzipped) once.
  const assets = new Map<string, { raw: Buffer; gzip: Buffer }>();
  return {
    answer(req, res) {
      const method = req.method ?? 'GET';
      if (method !== 'GET' && method !== 'HEAD') return false;
      const path = (req.url ?? '/').split('?')[0]!;
      if (path === '/v1' || path.startsWith('/v1/')) return false;
      if (path.startsWith('/assets/')) {
        serveAsset(req, res, dir, path, assets);
        return true;
      }
      if (path !== '/' && !wantsHtml(req)) return false;
      servePage(req, res, dir);
      return true;
    },
  };
}

function wantsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

function servePage(req: IncomingMessage, res: ServerResponse, dir: string): void {
  let page: Buffer;
  try {
    // Read at each request (a few hundred bytes): a rebuild is served without a restart.
    page = readFileSync(join(dir, 'index.html'));
  } catch {
    return send(
      req,
      res,
      503,
      { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
      Buffer.from(NOT_BUILT),
    );
  }
  send(
    req,
    res,
    200,
    { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
    page,
  );
}

function serveAsset(
  req: IncomingMessage,
  res: ServerResponse,
  dir: string,
  path: string,
  cache: Map<string, { raw: Buffer; gzip: Buffer }>,
): void {
  const name = ASSET.exec(path)?.[1];
  const file = name ? readAsset(join(dir, 'assets', name), cache) : undefined;
  if (!name || !file) {
    return send(
      req,
      res,
      404,
      { 'content-type': 'application/json' },
      Buffer.from(
        JSON.stringify({
          error: {
            code: 'ROUTE_NOT_FOUND',
            message: 'No such dashboard file (the names change with each build: reload the page)',
            details: {},
          },
        }),
      ),
    );
  }
  const gzip =
    /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) &&
    file.gzip.length < file.raw.length;
  send(
    req,
    res,
    200,
    {
      'content-type': TYPES[extname(name)] ?? 'application/octet-stream',
      'cache-control': 'public, max-age=31536000, immutable',
      vary: 'Accept-Encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    gzip ? file.gzip : file.raw,
  );
}

function readAsset(file: string, cache: Map<string, { raw: Buffer; gzip: Buffer }>) {
  const cached = cache.get(file);
  if (cached) return cached;
  try {
    if (!statSync(file).isFile()) return undefined;
    const raw = readFileSync(file);
    const entry = { raw, gzip: gzipSync(raw, { level: 9 }) };
    if (raw.length <= CACHED_MAX_BYTES) cache.set(file, entry);
    return entry;
  } catch {
    return undefined;
  }
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: Buffer,
): void {
  req.resume();
  res.writeHead(status, { ...headers, 'content-length': String(body.length) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** What `/` answers when the dashboard was not built (a deployment that skipped it): how to build it. */
const NOT_BUILT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Twinlog: the dashboard is not built</title></head>
<body>
<main>
<h1>Twinlog: the dashboard is not built</h1>
<p>The API works (<a href="/docs">/docs</a>), but this installation has no built dashboard.
Build it with <code>npm run build:dashboard</code> (it takes a second), or start Twinlog with
<code>npm start</code>, which builds it when it is missing or out of date.</p>
</main>
</body>
</html>
`;
