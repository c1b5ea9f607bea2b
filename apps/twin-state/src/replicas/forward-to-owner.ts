import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** Marks a request one replica forwarded to another: the owner never forwards it again. */
export const FORWARDED_HEADER = 'x-twinlog-forwarded-by';

/** Hop-by-hop headers (RFC 9110 7.6.1), and those fetch sets itself. */
const NOT_PASSED = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'host',
  'content-length',
  'expect',
]);

/** What of the request is forwarded: Nest has parsed its JSON body already. */
export interface ForwardedRequest {
  method: string;
  /** Path and query, as the client sent them. */
  url: string;
  headers: IncomingHttpHeaders;
  body?: unknown;
}

/** Where the owner's answer is written. */
export interface AnswerSink extends NodeJS.WritableStream {
  writeHead(status: number, headers: Record<string, string>): unknown;
}

/**
 * Sends a request to the replica that owns its twin, with the caller's credential and headers,
 * and writes the owner's answer (status, headers, body) as it comes. Throws when the owner
 * cannot be reached (nothing written then).
 */
export async function forwardToOwner(
  request: ForwardedRequest,
  owner: string,
  self: string,
  sink: AnswerSink,
  timeoutMs: number,
): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || NOT_PASSED.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  headers.set(FORWARDED_HEADER, self);
  const hasBody = request.body !== undefined && !['GET', 'HEAD'].includes(request.method);
  const answer = await fetch(ownerUrl(owner, request.url), {
    method: request.method,
    headers,
    ...(hasBody ? { body: JSON.stringify(request.body) } : {}),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const out: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    // fetch has decoded the body: its length and encoding are the sink's to set.
    if (!NOT_PASSED.has(name) && name !== 'content-encoding') out[name] = value;
  });
  sink.writeHead(answer.status, out);
  if (answer.body) await pipeline(Readable.fromWeb(answer.body as never), sink);
  else sink.end();
}

/**
 * The owner's URL for a request's target: its path and query only. A request line in absolute
 * form (`GET http://elsewhere/v1/twins/x`) still routes here, and must never send the caller's
 * credential to the host it names.
 */
export function ownerUrl(owner: string, target: string): URL {
  const { pathname, search } = new URL(target, 'http://target.invalid');
  return new URL(`${pathname}${search}`, `${owner}/`);
}
