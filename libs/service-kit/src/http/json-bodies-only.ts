import type { IncomingMessage, ServerResponse } from 'node:http';
import { bounded } from '@twinlog/domain';
import { refuseAtEdge } from './edge-refusal';

/**
 * Request bodies are JSON (or the extra media types a service names, e.g. NDJSON): a form or
 * text/plain body is a CORS "simple" request any web page can send, so it is refused with 415
 * before any body parser sees it; so is a state change that says it is one without a body (an
 * empty text/plain POST to /v1/admin/rebuild/:id needs no body to act). Compressed bodies
 * (Content-Encoding) are refused too: no service inflates them, so none can be tricked into
 * inflating a bomb.
 */
export function jsonBodiesOnly(options: JsonBodiesOptions = {}) {
  const accepted = new Set(['application/json', ...(options.alsoAccepted ?? [])]);
  const ownCheck = new Set(options.typeCheckedBy ?? []);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (!hasBody(req) && !typedStateChange(req)) return next();
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

/** A POST, PUT, PATCH or DELETE (without a body) that names a Content-Type. */
function typedStateChange(req: IncomingMessage): boolean {
  const method = req.method ?? 'GET';
  return (
    !['GET', 'HEAD', 'OPTIONS'].includes(method) &&
    mediaType(req.headers['content-type']) !== undefined
  );
}

function mediaType(header: string | undefined): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  return type ? type : undefined;
}

function refuse(req: IncomingMessage, res: ServerResponse, code: string, message: string): void {
  refuseAtEdge(req, res, 415, code, message);
}
