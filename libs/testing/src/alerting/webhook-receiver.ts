import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got, in arrival order. */
export interface ReceivedRequest {
  deliveryId: string | undefined;
  /** Whether X-Twinlog-Signature signed the body (always true when the receiver has no secret). */
  signatureValid: boolean;
  /** What the receiver answered. */
  status: number;
  body: string;
  headers: IncomingMessage['headers'];
  at: Date;
}

export interface ReceivedDelivery {
  /** Requests carrying this delivery id (retries and duplicates included). */
  attempts: number;
  /** Of those, answered 2xx with a valid signature: more than 1 is a duplicate delivery. */
  accepted: number;
  /** The last body, parsed. */
  body: unknown;
}

export interface WebhookReceiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  deliveries: Map<string, ReceivedDelivery>;
  /** Requests whose signature was missing, malformed, stale or wrong (answered 401). */
  badSignatures: number;
  /** Most requests being handled at once. */
  maxConcurrent: number;
  /**
   * Answers the next `times` requests (default: all, until told otherwise) with `status`, with
   * a Retry-After header when given. `answer(200)` goes back to normal.
   */
  answer(
    status: number,
    options?: { times?: number; retryAfter?: string; location?: string },
  ): void;
  /** Holds each answer this long (a slow receiver; a timeout test). */
  delay(ms: number): void;
  /** Closes the listener and cuts open connections: the receiver looks down. */
  down(): Promise<void>;
  /** Listens again on the same port. */
  up(): Promise<void>;
  close(): Promise<void>;
}

const TOLERANCE_SECONDS = 300;
const MAX_BODY = 1024 * 1024;

/**
 * A webhook receiver on 127.0.0.1 that does what a careful one does: checks every
 * X-Twinlog-Signature with its own HMAC (not Twinlog's helper), and counts deliveries by
 * X-Twinlog-Delivery, so a test sees retries and duplicates. Without a secret (Slack, Teams)
 * it checks nothing.
 */
export async function startWebhookReceiver(
  options: {
    secret?: string;
    path?: string;
    /**
     * The receiver's clock (ms since the epoch) for the signature's freshness check: give it the
     * service's test clock when a test moves that clock, as a receiver in sync with it would be.
     */
    now?: () => number;
  } = {},
): Promise<WebhookReceiver> {
  const now = options.now ?? Date.now;
  let planned:
    { status: number; times: number; retryAfter?: string; location?: string } | undefined;
  let delayMs = 0;
  let concurrent = 0;
  let server: Server | undefined;
  let port = 0;

  const receiver: WebhookReceiver = {
    url: '',
    port: 0,
    requests: [],
    deliveries: new Map(),
    badSignatures: 0,
    maxConcurrent: 0,
    answer(status, opts = {}) {
      planned =
        status >= 200 && status < 300 && opts.times === undefined
          ? undefined
          : {
              status,
              times: opts.times ?? Infinity,
              retryAfter: opts.retryAfter,
              location: opts.location,
            };
    },
    delay(ms) {
      delayMs = ms;
    },
    down: () => stop(),
    up: () => listen(port),
    close: () => stop(),
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    concurrent += 1;
    receiver.maxConcurrent = Math.max(receiver.maxConcurrent, concurrent);
    try {
      const raw = await readBody(req);
      const body = raw.toString('utf8');
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      const deliveryId = headerOf(req, 'x-twinlog-delivery');
      const signatureValid =
        options.secret === undefined ||
        signatureMatches(headerOf(req, 'x-twinlog-signature'), raw, options.secret, now());
      let status = 200;
      const headers: Record<string, string> = {};
      if (!signatureValid) {
        status = 401;
        receiver.badSignatures += 1;
      } else if (planned && planned.times > 0) {
        status = planned.status;
        planned.times -= 1;
        if (planned.retryAfter !== undefined) headers['Retry-After'] = planned.retryAfter;
        if (planned.location !== undefined) headers['Location'] = planned.location;
      }
      receiver.requests.push({
        deliveryId,
        signatureValid,
        status,
        body,
        headers: req.headers,
        at: new Date(),
      });
      if (deliveryId !== undefined) {
        const seen = receiver.deliveries.get(deliveryId) ?? {
          attempts: 0,
          accepted: 0,
          body: undefined,
        };
        seen.attempts += 1;
        if (status < 300) seen.accepted += 1;
        seen.body = parseJson(body);
        receiver.deliveries.set(deliveryId, seen);
      }
      res
        .writeHead(status, { 'Content-Type': 'text/plain', ...headers })
        .end(status < 300 ? 'ok' : `answered ${status}`);
    } catch {
      if (!res.headersSent) res.writeHead(400).end('bad request');
    } finally {
      concurrent -= 1;
    }
  };

  const listen = (at: number) =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((req, res) => void handle(req, res));
      s.once('error', reject);
      s.listen(at, '127.0.0.1', () => {
        server = s;
        port = (s.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      const s = server;
      server = undefined;
      if (!s) return resolve();
      s.close(() => resolve());
      s.closeAllConnections();
    });

  await listen(0);
  receiver.port = port;
  receiver.url = `http://127.0.0.1:${port}${options.path ?? '/hooks/twinlog'}`;
  return receiver;
}

/** The receiver's own check of `t=<s>,v1=<hex>`: HMAC-SHA256(secret, "<t>.<body>"). */
function signatureMatches(
  header: string | undefined,
  body: Buffer,
  secret: string,
  nowMs: number,
): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!match) return false;
  const t = Number(match[1]);
  if (Math.abs(nowMs / 1000 - t) > TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${match[1]}.`), body]))
    .digest();
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
