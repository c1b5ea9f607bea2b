import { createReadStream, readFileSync, statSync } from 'node:fs';
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

/**
 * Files up to this size are read and gzipped once, then held; larger ones are streamed from disk
 * as they are (not compressed: gzipping them at each request would cost more than it saves).
 */
const HELD_MAX_BYTES = 4 * 1024 * 1024;

/** What all held files may take together; the oldest held is dropped first (a long run sees many builds). */
const HELD_TOTAL_BYTES = 64 * 1024 * 1024;

export interface DashboardFilesOptions {
  heldMaxBytes?: number;
  heldTotalBytes?: number;
}

/** An asset held in memory (raw and gzipped once), or a large one streamed from disk. */
type Asset =
  { held: true; raw: Buffer; gzip: Buffer } | { held: false; file: string; size: number };

/** Held assets by path, oldest first, with their total size. */
interface AssetCache {
  byFile: Map<string, Asset & { held: true }>;
  bytes: number;
  maxBytes: number;
  totalBytes: number;
}

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
export function dashboardFiles(
  dir: string = DEFAULT_DASHBOARD_DIR,
  options: DashboardFilesOptions = {},
): DashboardFiles {
  // Hashed names never change content: each is read (and gzipped) once.
  const assets: AssetCache = {
    byFile: new Map(),
    bytes: 0,
    maxBytes: options.heldMaxBytes ?? HELD_MAX_BYTES,
    totalBytes: options.heldTotalBytes ?? HELD_TOTAL_BYTES,
  };
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
  cache: AssetCache,
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
  const headers = {
    'content-type': TYPES[extname(name)] ?? 'application/octet-stream',
    'cache-control': 'public, max-age=31536000, immutable',
    vary: 'Accept-Encoding',
  };
  if (!file.held) return stream(req, res, headers, file);
  const gzip =
    /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')) &&
    file.gzip.length < file.raw.length;
  send(
    req,
    res,
    200,
    { ...headers, ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
    gzip ? file.gzip : file.raw,
  );
}

function readAsset(file: string, cache: AssetCache): Asset | undefined {
  const cached = cache.byFile.get(file);
  if (cached) return cached;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) return undefined;
    if (stat.size > cache.maxBytes) return { held: false, file, size: stat.size };
    const raw = readFileSync(file);
    const entry = { held: true as const, raw, gzip: gzipSync(raw, { level: 9 }) };
    cache.byFile.set(file, entry);
    cache.bytes += raw.length + entry.gzip.length;
    for (const [old, held] of cache.byFile) {
      if (cache.bytes <= cache.totalBytes || old === file) break;
      cache.byFile.delete(old);
      cache.bytes -= held.raw.length + held.gzip.length;
    }
    return entry;
  } catch {
    return undefined;
  }
}

function stream(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
  file: { file: string; size: number },
): void {
  req.resume();
  res.writeHead(200, { ...headers, 'content-length': String(file.size) });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(file.file)
    .on('error', () => res.destroy())
    .pipe(res);
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
