import type { IncomingMessage } from 'node:http';

export type BodyRead = { ok: true; text: string } | { ok: false; head: string; bytes: number };

/**
 * Reads a request body up to `limit` bytes. A body announced or found to be larger is not
 * buffered: the caller answers 413 with what was read so far (its head, for the dead letter).
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<BodyRead> {
  const announced = Number(req.headers['content-length'] ?? Number.NaN);
  if (announced > limit) {
    req.resume();
    return { ok: false, head: '', bytes: announced };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      return { ok: false, head: Buffer.concat(chunks).toString('utf8', 0, 65_536), bytes: size };
    }
    chunks.push(chunk);
  }
  return { ok: true, text: Buffer.concat(chunks).toString('utf8') };
}
