import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { gatewayApiDocument } from './api-document';

/** The reference page: Swagger UI from the installed package, started by a served script (no inline code, so the page's CSP holds). */
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Twinlog API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/twinlog-docs.js"></script>
</body>
</html>
`;

// No validator badge (it would call validator.swagger.io), and credentials typed into the page
// are not kept in the browser's storage.
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    validatorUrl: null,
    persistAuthorization: false,
  });
});
`;

/** The files of swagger-ui-dist the page loads, with their types. */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

export interface ApiReference {
  /** Answers the request when it is the document's or the page's; false for anything else. */
  answer(req: IncomingMessage, res: ServerResponse): boolean;
}

/**
 * GET /openapi.json (the document, built once at start from the services' own schemas) and
 * GET /docs (the reference page and its assets, read from node_modules, never a CDN). Both
 * answer without a credential: they describe the API and hold no plant data (SECURITY.md).
 */
export function apiReference(): ApiReference {
  const root = join(__dirname, '..', '..', '..', '..');
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  const document = Buffer.from(JSON.stringify(gatewayApiDocument(version)));
  const swaggerUi = dirname(require.resolve('swagger-ui-dist/package.json'));
  const files = new Map<string, { type: string; body: Buffer }>([
    ['/docs', { type: 'text/html; charset=utf-8', body: Buffer.from(PAGE) }],
    [
      '/docs/twinlog-docs.js',
      { type: 'text/javascript; charset=utf-8', body: Buffer.from(INITIALIZER) },
    ],
    ['/openapi.json', { type: 'application/json; charset=utf-8', body: document }],
  ]);
  // Read on first request: the bundle is large, and a gateway nobody browses never needs it.
  const asset = (path: string) => {
    const name = path.slice('/docs/'.length);
    const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!type) return undefined;
    const file = { type, body: readFileSync(join(swaggerUi, name)) };
    files.set(path, file);
    return file;
  };
  return {
    answer(req, res) {
      const path = (req.url ?? '/').split('?')[0]!.replace(/^\/docs\/$/, '/docs');
      if (path !== '/openapi.json' && path !== '/docs' && !path.startsWith('/docs/')) return false;
      const file = files.get(path) ?? asset(path);
      if (!file) {
        send(
          res,
          404,
          'application/json',
          JSON.stringify({
            error: {
              code: 'ROUTE_NOT_FOUND',
              message: 'Not a file of the API reference',
              details: {},
            },
          }),
        );
        return true;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        send(
          res,
          405,
          'application/json',
          JSON.stringify({
            error: {
              code: 'METHOD_NOT_ALLOWED',
              message: `${req.method ?? ''} is not allowed on ${path}: it takes GET, HEAD`,
              details: { method: req.method, allowed: ['GET', 'HEAD'] },
            },
          }),
        );
        return true;
      }
      req.resume();
      res.writeHead(200, {
        'content-type': file.type,
        'content-length': file.body.length,
        'cache-control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : file.body);
      return true;
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
}
