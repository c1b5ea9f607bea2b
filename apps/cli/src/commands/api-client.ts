import { printable } from './printable';
/** A failure a script can act on: exit code 1 for "the answer is no", 2 for usage and I/O. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

// The one key this CLI process sends (TWINLOG_API_KEY, or the embedded admin key): set once by
// main before any command runs, like a default header.
let apiKey: string | undefined;

export function useApiKey(key: string | undefined): void {
  apiKey = key;
}

/** The Authorization header for every request of this process, when it has a key. */
export function authHeaders(): Record<string, string> {
  return apiKey ? { authorization: `Bearer ${apiKey}` } : {};
}

/** GET a Twinlog API path as JSON, with plain words when the server is not there or says no. */
export async function getJson<T>(base: string, path: string): Promise<T> {
  return requestJson<T>(base, path);
}

/**
 * Every item of a paged list (docs/api-conventions.md): follows each page's `next` as `cursor`
 * until it is null, or until `max` items are in hand.
 */
export async function getAllPages<T>(
  base: string,
  path: string,
  itemsKey: string,
  max = Number.POSITIVE_INFINITY,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const url = new URL(path, 'http://twinlog');
    if (cursor !== null) url.searchParams.set('cursor', cursor);
    const page: Record<string, unknown> = await getJson(base, `${url.pathname}${url.search}`);
    items.push(...((page[itemsKey] as T[] | undefined) ?? []));
    cursor = typeof page.next === 'string' ? page.next : null;
  } while (cursor !== null && items.length < max);
  return items.slice(0, max);
}

/** POST a JSON body to a Twinlog API path; the answer as JSON. */
export async function postJson<T>(base: string, path: string, body: unknown): Promise<T> {
  return requestJson<T>(base, path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** PUT a JSON body to a Twinlog API path; the answer as JSON. */
export async function putJson<T>(base: string, path: string, body: unknown): Promise<T> {
  return requestJson<T>(base, path, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** DELETE a Twinlog API path (204: nothing to answer). */
export async function deleteJson(base: string, path: string): Promise<void> {
  await requestJson<unknown>(base, path, { method: 'DELETE' });
}

async function requestJson<T>(base: string, path: string, init: RequestInit = {}): Promise<T> {
  let answer: Response;
  try {
    answer = await fetch(`${base}${path}`, {
      ...init,
      headers: { ...authHeaders(), ...(init.headers as Record<string, string> | undefined) },
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    throw new CliError(
      `Twinlog is not answering at ${base} (${(error as Error).message}). Start it with \`npm start\`, or point TWINLOG_URL at it.`,
    );
  }
  const text = await answer.text();
  if (!answer.ok) {
    let problem = text;
    try {
      const parsed = JSON.parse(text) as {
        code?: string;
        message?: string;
        error?: { code?: string; message?: string; details?: { problems?: unknown } };
      };
      const body = parsed.error ?? parsed;
      problem = body.code ? `${body.code}: ${body.message ?? ''}` : text;
      // A refused body names each bad field: say which, one per line.
      const problems = parsed.error?.details?.problems;
      if (Array.isArray(problems)) problem += problems.map((p) => `\n  ${String(p)}`).join('');
    } catch {
      // not JSON: the raw text says it
    }
    // The server's words (a model's, quoted in a problem) reach the terminal without controls.
    throw new CliError(
      `${base}${path} answered ${answer.status}: ${printable(problem)}`,
      answer.status === 404 ? 1 : 2,
    );
  }
  // 204 No Content (a DELETE) answers nothing.
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

/** `--name value` of a command line, or undefined; `--flag` alone gives 'true'. */
export function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const value = args[i + 1];
  return value === undefined || value.startsWith('--') ? 'true' : value;
}

/** A fixed-width text table: what a person at a terminal reads best. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join('  ')
      .trimEnd(),
  );
}
