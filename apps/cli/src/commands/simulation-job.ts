// The simulation service's async jobs as the CLI follows them (POST ...?async=true, then GET).
import { authHeaders } from './api-client';
import { printable } from './printable';

/** Polls the job, showing its progress; Ctrl-C cancels it on the server. */
export async function follow(
  baseUrl: string,
  id: string,
  progress: (line: string) => void,
): Promise<Record<string, unknown> | 'cancelled'> {
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    progress('cancelling...');
    void call(baseUrl, 'DELETE', `/v1/simulations/${id}`).catch(() => undefined);
  };
  process.once('SIGINT', onInterrupt);
  try {
    for (;;) {
      const job = await call(baseUrl, 'GET', `/v1/simulations/${id}`);
      const { phase, fraction } = job.progress as { phase: string; fraction: number };
      switch (job.status) {
        case 'completed':
          return job.result as Record<string, unknown>;
        case 'cancelled':
          progress(`simulation ${id} cancelled at ${(fraction * 100).toFixed(0)}%`);
          return 'cancelled';
        case 'failed': {
          const error = job.error as { code: string; message: string };
          throw new Error(printable(`the simulation failed (${error.code}): ${error.message}`));
        }
        default:
          if (!interrupted) progress(`simulating: ${(fraction * 100).toFixed(0)}% (${phase})`);
          await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

/** One request to the simulation service; a refusal or no answer is an Error in plain words. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...authHeaders() },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new Error(
      `cannot reach the simulation service at ${baseUrl} (${(error as Error).message}); set TWINLOG_SIMULATION_URL`,
    );
  }
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const error = json['error'] as
      | {
          code?: string;
          message?: string;
          details?: { problems?: string[]; unsupported?: string[] };
        }
      | undefined;
    const problems = error?.details?.problems;
    // What the twin's model cannot simulate (simulate --ask): the reason, then each part.
    const unsupported = error?.details?.unsupported ?? [];
    const text = problems
      ? `\n  - ${problems.join('\n  - ')}`
      : `${error?.message ?? response.statusText}${unsupported.map((u) => `\n  - ${u}`).join('')}`;
    // The reason and the parts can be a model's words: no control character reaches the terminal.
    throw new Error(printable(`simulation answered ${response.status} ${error?.code ?? ''}: ${text}`));
  }
  return json;
}
