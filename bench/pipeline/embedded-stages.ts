import { join } from 'node:path';
import { SqliteEventLog } from '@twinlog/event-log';
import type { ProbeWatch } from './latency-probe';
import { PROPERTIES } from './plant-load';

/**
 * Where each stage's count is read in the embedded mode: everything through the one port (the
 * gateway's readiness figures, the anomaly worker's answer, the telemetry API), and the log itself
 * once the process has stopped.
 */
export interface EmbeddedEndpoints {
  url: string;
  apiKey?: string;
}

async function getJson<T>(e: EmbeddedEndpoints, path: string): Promise<T> {
  const answer = await fetch(`${e.url}${path}`, {
    headers: e.apiKey ? { authorization: `Bearer ${e.apiKey}` } : {},
  });
  if (!answer.ok) throw new Error(`GET ${path}: HTTP ${answer.status} ${await answer.text()}`);
  return (await answer.json()) as T;
}

/** Each service's readiness figures, as the gateway passes them on. */
export async function figures(
  e: EmbeddedEndpoints,
): Promise<Record<string, Record<string, number>>> {
  return (
    (await getJson<{ figures?: Record<string, Record<string, number>> }>(e, '/health/ready'))
      .figures ?? {}
  );
}

export async function readingsFolded(e: EmbeddedEndpoints): Promise<number> {
  return (await figures(e))['twin-state']?.['readingsFolded'] ?? NaN;
}

export async function readingsJudged(e: EmbeddedEndpoints): Promise<number> {
  return (await getJson<{ readingsJudged: number }>(e, '/v1/worker')).readingsJudged;
}

/** One twin's points in the telemetry store from `fromMs` on, over the telemetry API. */
export async function twinPoints(
  e: EmbeddedEndpoints,
  twinId: string,
  properties: readonly string[],
  fromMs: number,
): Promise<number> {
  const q = new URLSearchParams({
    property: properties.join(','),
    from: new Date(fromMs).toISOString(),
    to: new Date(Date.now() + 60_000).toISOString(),
    // One window (two at most, epoch-aligned) per property: its count is all there is.
    every: '366d',
  });
  const answer = await getJson<{ series: Array<{ windows: Array<{ count: number }> }> }>(
    e,
    `/v1/twins/${encodeURIComponent(twinId)}/telemetry?${q}`,
  );
  return answer.series.reduce((s, x) => s + x.windows.reduce((w, y) => w + y.count, 0), 0);
}

/** The plant's points queryable now: the sum over its twins, a few asked at a time. */
export async function pointsQueryable(
  e: EmbeddedEndpoints,
  twinIds: string[],
  fromMs: number,
): Promise<number> {
  const properties = PROPERTIES.map(([name]) => name);
  let next = 0;
  let total = 0;
  // Two at a time: the embedded store answers telemetry reads two at a time anyway.
  await Promise.all(
    [0, 1].map(async () => {
      while (next < twinIds.length) {
        const points = await twinPoints(e, twinIds[next++]!, properties, fromMs);
        total += points;
      }
    }),
  );
  return total;
}

/** Readings in the log's telemetry stream for the run's twins; the process must have stopped. */
export async function readingsInLog(dataDir: string, twinPrefix: string): Promise<number> {
  const log = SqliteEventLog.open(join(dataDir, 'events.sqlite'));
  let readings = 0;
  try {
    await log.replay({ streams: ['telemetry'] }, async (batch) => {
      for (const { event } of batch)
        if (event.type === 'TelemetryReported' && event.twinId.startsWith(twinPrefix))
          readings += event.data.readings.length;
    });
  } finally {
    await log.close();
  }
  return readings;
}

/**
 * The probes in the embedded mode: the probe twin's points counted over the telemetry API (the
 * probes are written in the order sent, so k points are the first k probes), AnomalyDetected
 * read from its audit trail.
 */
export function embeddedWatch(
  e: EmbeddedEndpoints,
  twinId: string,
  fromMs: number,
  pollMs: number,
): ProbeWatch {
  return {
    store: async (probes) => {
      const k = await twinPoints(e, twinId, ['temperature'], fromMs);
      const shown = new Set(probes.slice(0, k));
      return (p) => shown.has(p);
    },
    anomalies: (found) => {
      let stopped = false;
      const q = new URLSearchParams({
        types: 'AnomalyDetected',
        from: new Date(fromMs).toISOString(),
        limit: '1000',
      });
      const polling = (async () => {
        while (!stopped) {
          const page = await getJson<{ events: Array<{ data: { episodeId: string } }> }>(
            e,
            `/v1/twins/${encodeURIComponent(twinId)}/events?${q}`,
          ).catch(() => ({ events: [] }));
          // AnomalyDetected names the reading that opened its episode (`…:{readingId}`).
          for (const event of page.events) found(event.data.episodeId.split(':').pop()!);
          await new Promise((r) => setTimeout(r, pollMs));
        }
      })();
      return {
        stop: async () => {
          stopped = true;
          await polling;
        },
      };
    },
  };
}

/** Registers the plant over the one port, then waits until every service knows the twins. */
export async function registerPlant(
  e: EmbeddedEndpoints,
  twinIds: string[],
  twinType: string,
  site: string,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < twinIds.length) {
        const twinId = twinIds[next++]!;
        const answer = await fetch(`${e.url}/v1/twins`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(e.apiKey ? { authorization: `Bearer ${e.apiKey}` } : {}),
          },
          body: JSON.stringify({
            twinId,
            twinType,
            site,
            commissionedAt: new Date(Date.now() - 86_400_000).toISOString(),
          }),
        });
        if (answer.status !== 201)
          throw new Error(`registering ${twinId}: HTTP ${answer.status} ${await answer.text()}`);
      }
    }),
  );
  for (const deadline = Date.now() + 60_000; ;) {
    const known = Object.values(await figures(e)).filter((f) => f['twins'] !== undefined);
    if (known.length > 0 && known.every((f) => f['twins']! >= twinIds.length)) return;
    if (Date.now() > deadline)
      throw new Error('the services did not all know the twins after 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}
