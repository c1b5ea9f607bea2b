import type { Server } from 'node:http';

/** How long an HTTP server holds a slow, idle or abandoned client (service config, TWINLOG_HTTP_*). */
export interface HttpTimeouts {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  idleTimeoutMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersTimeoutMs: 20_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  idleTimeoutMs: 60_000,
};

/** Sets the deadlines on a server, before it listens (Nest creates its own server). */
export function applyHttpTimeouts(server: Server, timeouts: HttpTimeouts): void {
  Object.assign(server, deadlines(timeouts), {
    // Node checks the header and request deadlines on a timer started at listen (every 30 s by
    // default): often enough that a short deadline holds.
    connectionsCheckingInterval: Math.min(1_000, timeouts.requestTimeoutMs),
  });
  // A silent socket (no bytes either way) is destroyed: it would hold a descriptor for ever.
  server.timeout = timeouts.idleTimeoutMs;
}

function deadlines({ headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs }: HttpTimeouts) {
  return {
    // Node refuses a header deadline later than the whole request's.
    headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
    requestTimeout: requestTimeoutMs,
    keepAliveTimeout: keepAliveTimeoutMs,
  };
}
