import type { IncomingMessage, ServerResponse } from 'node:http';
import { bounded } from '@twinlog/domain';

/**
 * Request bodies are JSON (or the extra media types a service names, e.g. NDJSON): a form or
 * text/plain body is a CORS "simple" request any web page can send, so it is refused with 415
 * before any body parser sees it. Compressed bodies (Content-Encoding) are refused too: no
 * service inflates them, so none can be tricked into inflating a bomb.
 */
export function jsonBodiesOnly(options: JsonBodiesOptions = {}) {
  const accepted = new Set(['application/json', ...(options.alsoAccepted ?? [])]);
  const ownCheck = new Set(options.typeCheckedBy ?? []);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (!hasBody(req)) return next();
    const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (encoding !== 'identity')
      return refuse(
        req,
        res,
        'CONTENT_ENCODING_UNSUPPORTED',
        `Bodies are not accepted compressed (Content-Encoding: ${bounded(encoding)}); send them uncompressed`,
      );
    const type = mediaType(req.headers['content-type']);
    if (type !== undefined && accepted.has(type)) return next();
    if (ownCheck.has((req.url ?? '').split('?')[0] ?? '')) return next();
    refuse(
      req,
      res,
      'CONTENT_TYPE_UNSUPPORTED',
      `Send the body as ${[...accepted].join(' or ')}, not ${type === undefined ? 'without a Content-Type' : bounded(type)}`,
    );
  };
}

export interface JsonBodiesOptions {
  /** Media types accepted besides application/json (ingestion's NDJSON). */
  alsoAccepted?: readonly string[];
  /** Paths whose handler checks the type itself (to dead-letter what it refuses). */
  typeCheckedBy?: readonly string[];
}

function hasBody(req: IncomingMessage): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  return req.headers['transfer-encoding'] !== undefined || !(length === 0);
}

function mediaType(header: string | undefined): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

function refuse(req: IncomingMessage, res: ServerResponse, code: string, message: string): void {
  req.resume();
  res.statusCode = 415;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: { code, message, details: {} } }));
}
