import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Answers a request refused before any route or body parser saw it, in the error envelope
 * every Twinlog error has; a body still arriving is read and dropped.
 */
export function refuseAtEdge(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  details: Record<string, unknown> = {},
): void {
  req.resume();
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ error: { code, message, details } }));
}
