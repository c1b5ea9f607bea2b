import type { InfluxStoreConfig } from './influx-telemetry-store';

/**
 * Posts line protocol to InfluxDB's v2 write endpoint and resolves only on its 204, retrying
 * with backoff. (The client's buffered WriteApi may resolve close() while a failed batch still
 * waits in its retry buffer; a consumer must not commit its offset on that.) `what` names the
 * write in errors ("write", "limits write").
 */
export async function writeLineProtocol(
  config: InfluxStoreConfig,
  body: string,
  what: string,
): Promise<void> {
  const url = `${config.url}/api/v2/write?org=${encodeURIComponent(config.org)}&bucket=${encodeURIComponent(config.bucket)}&precision=ns`;
  const attempts = (config.maxRetries ?? 3) + 1;
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Token ${config.token}`,
          'content-type': 'text/plain; charset=utf-8',
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status === 204) return;
      failure = `HTTP ${response.status}: ${await response.text()}`;
      // 4xx other than 429 is the data's fault: retrying cannot help.
      if (response.status >= 400 && response.status < 500 && response.status !== 429)
        throw new RefusedWrite(`InfluxDB refused the ${what}: ${failure}`);
    } catch (error) {
      if (error instanceof RefusedWrite) throw error;
      failure = (error as Error).message;
    }
    if (attempt >= attempts)
      throw new Error(`InfluxDB ${what} failed after ${attempts} attempts: ${failure}`);
    await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
  }
}

class RefusedWrite extends Error {}
