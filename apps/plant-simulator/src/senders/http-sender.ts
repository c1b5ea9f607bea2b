import type { SimReading } from '@twinlog/plant-sim';
import { describeNetworkError, retryAfterMs, TransientError } from './backoff';
import {
  BatchTooLargeError,
  type BatchOutcome,
  type ReadingSender,
  type RejectedReading,
} from './reading-sender';

const REQUEST_TIMEOUT_MS = 30_000;

interface ResultEntry {
  index: number;
  status: 'accepted' | 'duplicate' | 'rejected';
  error?: { code: string; message: string };
}

interface ErrorBody {
  error?: { code?: string; message?: string };
  results?: ResultEntry[];
}

/** Posts batches as NDJSON to ingestion's `POST /v1/readings` and reads its verdict per reading. */
export class HttpSender implements ReadingSender {
  readonly name: string;
  private readonly url: string;

  constructor(
    baseUrl: string,
    private readonly apiKey?: string,
  ) {
    const base = baseUrl.replace(/\/$/, '');
    this.name = `ingestion at ${base}`;
    this.url = `${base}/v1/readings`;
  }

  async send(batch: SimReading[]): Promise<BatchOutcome> {
    let response: Response;
    let body: ErrorBody | undefined;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-ndjson',
          ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}),
        },
        body: batch.map((r) => JSON.stringify(r)).join('\n'),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await response.text();
      body = parseJson(text);
    } catch (error) {
      throw new TransientError(`${this.name}: ${describeNetworkError(error)}`);
    }
    const { status } = response;
    const problem = `${body?.error?.code ?? `HTTP ${status}`}: ${body?.error?.message ?? 'no details'}`;
    if (status === 503 || status === 429 || status >= 500) {
      throw new TransientError(
        `${this.name} answered ${status} ${problem}`,
        retryAfterMs(response.headers.get('retry-after')),
      );
    }
    if (status === 413) throw new BatchTooLargeError(`${this.name} answered 413 ${problem}`);
    if (Array.isArray(body?.results)) return outcomeOf(batch, body.results);
    // A whole batch refused (400, 415): each of its readings is rejected with that reason.
    const code = body?.error?.code ?? `HTTP_${status}`;
    const message = body?.error?.message ?? `HTTP ${status}`;
    return {
      accepted: 0,
      duplicates: 0,
      rejected: batch.map((reading) => ({ reading, code, message })),
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function outcomeOf(batch: SimReading[], results: ResultEntry[]): BatchOutcome {
  const outcome: BatchOutcome = { accepted: 0, duplicates: 0, rejected: [] };
  const rejected: RejectedReading[] = outcome.rejected;
  for (const result of results) {
    if (result.status === 'accepted') outcome.accepted++;
    else if (result.status === 'duplicate') outcome.duplicates++;
    else
      rejected.push({
        reading: batch[result.index]!,
        code: result.error?.code ?? 'REJECTED',
        message: result.error?.message ?? 'rejected without a reason',
      });
  }
  return outcome;
}

function parseJson(text: string): ErrorBody | undefined {
  try {
    return text ? (JSON.parse(text) as ErrorBody) : undefined;
  } catch {
    return undefined;
  }
}
