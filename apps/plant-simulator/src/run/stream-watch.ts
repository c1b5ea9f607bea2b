import { followStream, StreamRefused } from '@twinlog/service-kit';

/** What the simulator saw come back from Twinlog's live stream for its site. */
export interface StreamWatch {
  seen: { changes: number; anomaliesOpen: number; predictions: number };
  stop(): void;
}

/**
 * Follows `GET /v1/stream` for the simulated site while the run goes on, so its progress shows
 * the plant's state changing and anomalies opening and closing as they happen (no polling).
 * It never fails the run: a refusal (an old Twinlog, a key without the site) is said once.
 */
export function watchPlantStream(
  twinStateUrl: string,
  site: string,
  apiKey: string | undefined,
  log: (line: string) => void,
): StreamWatch {
  const stop = new AbortController();
  const open = new Set<string>();
  const seen = { changes: 0, anomaliesOpen: 0, predictions: 0 };
  void followStream(twinStateUrl, {
    query: { site },
    ...(apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {}),
    signal: stop.signal,
    onMessage: ({ type, data }) => {
      const episode = `${data.twinId}/${String(data.data['episodeId'])}`;
      if (type === 'state-changed') seen.changes += 1;
      else if (type === 'maintenance-predicted') seen.predictions += 1;
      else if (type === 'anomaly-opened' && !open.has(episode)) {
        open.add(episode);
        log(
          `anomaly opened on ${data.twinId}: ${String(data.data['severity'])} ${String(data.data['detector'])} on ${(data.data['properties'] as string[]).join(', ')}`,
        );
      } else if (type === 'anomaly-raised' && open.has(episode))
        log(
          `anomaly raised on ${data.twinId}: ${String(data.data['detector'])} now ${String(data.data['severity'])}`,
        );
      else if (type === 'anomaly-closed' && open.delete(episode))
        log(`anomaly closed on ${data.twinId}: ${String(data.data['detector'])}`);
      seen.anomaliesOpen = open.size;
    },
  }).catch((error: unknown) => {
    if (!stop.signal.aborted)
      log(
        `live stream not followed: ${error instanceof StreamRefused ? error.message : String(error)}`,
      );
  });
  return { seen, stop: () => stop.abort() };
}
