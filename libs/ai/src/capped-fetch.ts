import { AsyncLocalStorage } from 'node:async_hooks';

/** One call to the client (its transport retries included): what its fetches saw. */
export interface RequestTally {
  /** Requests sent to the model server. */
  attempts: number;
  /** Set when a body was over the cap: the cap, in bytes. */
  tooLargeBytes?: number;
}

/** The tally of the client call under way (the client's fetches run inside it). */
export const requestTally = new AsyncLocalStorage<RequestTally>();

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/**
 * The fetch given to the openai client: it counts each request sent (so errors say how many
 * were really tried) and reads at most `maxBytes` of a response body. A bigger body is never
 * parsed: it is answered as a 502 the client does not retry, and the tally says why.
 */
export function cappedFetch(maxBytes: number, base: Fetch = fetch): Fetch {
  return async (input, init) => {
    const tally = requestTally.getStore();
    if (tally) tally.attempts += 1;
    const response = await base(input, init);
    const tooLarge = async () => {
      await response.body?.cancel().catch(() => undefined);
      if (tally) tally.tooLargeBytes = maxBytes;
      return new Response(
        JSON.stringify({ error: { message: `response body over ${maxBytes} bytes, not read` } }),
        {
          status: 502,
          headers: { 'content-type': 'application/json', 'x-should-retry': 'false' },
        },
      );
    };
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
    if (!response.body) return response;
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        return tooLarge();
      }
      chunks.push(value);
    }
    return new Response(Buffer.concat(chunks), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
