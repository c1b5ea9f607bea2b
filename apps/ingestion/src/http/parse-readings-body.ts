import type { IncomingReading } from '@twinlog/domain';

export type BodyFormat = 'json' | 'ndjson';

/** A body item that is not a reading object: answered and dead-lettered on its own. */
export interface MalformedItem {
  index: number;
  code: 'JSON_MALFORMED' | 'READING_MALFORMED';
  message: string;
  raw: string;
}

export type ParsedBody =
  | {
      ok: true;
      readings: Array<{ index: number; reading: IncomingReading }>;
      malformed: MalformedItem[];
      count: number;
    }
  | { ok: false; code: 'JSON_MALFORMED' | 'BATCH_MALFORMED'; message: string };

/** The format of a Content-Type, or undefined if readings cannot come in it. */
export function bodyFormat(contentType: string | undefined): BodyFormat | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (['application/x-ndjson', 'application/ndjson', 'application/jsonl'].includes(type))
    return 'ndjson';
  return undefined;
}

/**
 * JSON: an array of readings or `{ "readings": [...] }`; a body that is not JSON is refused
 * whole. NDJSON (a stream of readings, one per line): a line that is not JSON is refused on
 * its own, and the other lines go on.
 */
export function parseReadingsBody(text: string, format: BodyFormat): ParsedBody {
  if (format === 'ndjson') {
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    const items = lines.map((line, index): unknown => {
      try {
        return JSON.parse(line);
      } catch (error) {
        return new LineError(index, line, (error as Error).message);
      }
    });
    return split(items);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      code: 'JSON_MALFORMED',
      message: `The body is not valid JSON: ${(error as Error).message}`,
    };
  }
  const list = Array.isArray(body) ? body : (body as { readings?: unknown } | null)?.readings;
  if (!Array.isArray(list)) {
    return {
      ok: false,
      code: 'BATCH_MALFORMED',
      message: 'The body must be an array of readings or an object { "readings": [...] }',
    };
  }
  return split(list);
}

class LineError {
  constructor(
    readonly index: number,
    readonly line: string,
    readonly message: string,
  ) {}
}

function split(items: unknown[]): ParsedBody {
  const readings: Array<{ index: number; reading: IncomingReading }> = [];
  const malformed: MalformedItem[] = [];
  items.forEach((item, index) => {
    if (item instanceof LineError) {
      malformed.push({
        index,
        code: 'JSON_MALFORMED',
        message: `Line ${index + 1} is not valid JSON: ${item.message}`,
        raw: item.line,
      });
    } else if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      malformed.push({
        index,
        code: 'READING_MALFORMED',
        message: 'A reading must be an object { twinId, property, value, time, unit?, readingId? }',
        raw: JSON.stringify(item) ?? String(item),
      });
    } else {
      readings.push({ index, reading: item as IncomingReading });
    }
  });
  return { ok: true, readings, malformed, count: items.length };
}
