import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { createParser } from 'eventsource-parser';

export interface SseMessage {
  id: string | undefined;
  event: string | undefined;
  data: string;
}

/** An SSE connection as a test sees it: what arrived, the last id, and the raw answer. */
export interface SseConnection {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body when the answer was not a stream (an error). */
  body?: string;
  messages: SseMessage[];
  comments: string[];
  /** The last `id:` seen (on a message or on its own). */
  lastId: string | undefined;
  /** The first `id:` seen: where the stream opened. */
  openId: string | undefined;
  ended: boolean;
  /** Raw bytes received so far. */
  bytes: number;
  close(): void;
  /** Resolves once `test` holds (checked on every message, comment and end). */
  until(test: (c: SseConnection) => boolean, timeoutMs?: number): Promise<void>;
  /** The socket's answer, for a test that stops reading (res.pause()). */
  answer: IncomingMessage;
}

/** Opens `GET url` as an event stream, parsing it with eventsource-parser. */
export function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const waiters: Array<() => void> = [];
      const check = () => waiters.splice(0).forEach((w) => w());
      const connection: SseConnection = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        messages: [],
        comments: [],
        lastId: undefined,
        openId: undefined,
        ended: false,
        bytes: 0,
        answer: res,
        close: () => req.destroy(),
        until: (test, timeoutMs = 30_000) =>
          new Promise<void>((done, fail) => {
            const timer = setTimeout(
              () =>
                fail(
                  new Error(
                    `SSE: not reached in ${timeoutMs} ms (${connection.messages.length} messages)`,
                  ),
                ),
              timeoutMs,
            );
            const look = () => {
              if (test(connection)) {
                clearTimeout(timer);
                done();
              } else waiters.push(look);
            };
            look();
          }),
      };
      const parser = createParser({
        onEvent: (m) => {
          connection.messages.push({ id: m.id, event: m.event, data: m.data });
          check();
        },
        onId: (id) => {
          connection.lastId = id;
          if (connection.openId === undefined) {
            connection.openId = id;
            resolve(connection);
          }
          check();
        },
        onComment: (c) => {
          connection.comments.push(c);
          check();
        },
      });
      const streaming = (res.headers['content-type'] ?? '').startsWith('text/event-stream');
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        connection.bytes += Buffer.byteLength(chunk);
        if (streaming) parser.feed(chunk);
        else body += chunk;
      });
      const end = () => {
        connection.ended = true;
        if (!streaming) connection.body = body;
        check();
      };
      res.on('end', end);
      res.on('close', end);
      res.on('error', end);
      // A stream resolves at its opening id (or its end); anything else once read whole.
      res.once('end', () => resolve(connection));
      res.once('close', () => resolve(connection));
    });
    req.on('error', reject);
    req.end();
  });
}
