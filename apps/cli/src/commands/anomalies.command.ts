import { getAllPages, getJson, option } from './api-client';
import { followWithKey as followStream, type StreamMessage } from './stream';

export interface Episode {
  twinId: string;
  episodeId: string;
  detector: string;
  properties: string[];
  severity: string;
  score: number;
  since: string;
  /** When its severity last rose (absent: as it opened). */
  raisedAt?: string;
  evidence: Array<{
    property: string;
    observed: number;
    expected?: number;
    expectedLow?: number;
    expectedHigh?: number;
  }>;
}

export const ANOMALIES_USAGE = `  twinlog anomalies [--twin ID] [--follow] [--json]
                                the open anomaly episodes with their evidence; --follow keeps printing
                                episodes as they open, get worse (raised) and close (Ctrl-C to stop)`;

/**
 * `twinlog anomalies`: open episodes across the plant, and with --follow, their comings and
 * goings (and each rise in severity) from the live stream. The stream is opened first and the open episodes read after, so
 * nothing falls between the two; an episode seen by both is printed once.
 */
export async function anomaliesCommand(
  base: string,
  args: string[],
  out: (line: string) => void,
  status: (line: string) => void = () => undefined,
  signal?: AbortSignal,
): Promise<number> {
  const json = option(args, 'json') !== undefined;
  const only = option(args, 'twin');
  const print = (kind: 'open' | 'opened' | 'raised' | 'closed', e: Episode) =>
    out(json ? JSON.stringify({ event: kind, ...e }) : episodeLine(kind, e));
  const known = new Map<string, Episode>();
  const showOpen = async () => {
    for (const e of await openEpisodes(base, only)) known.set(e.episodeId, e);
    if (!json && known.size === 0 && !option(args, 'follow')) out('No open anomalies.');
    for (const e of known.values()) print('open', e);
  };
  if (!option(args, 'follow')) {
    await showOpen();
    return 0;
  }
  const handle = (m: StreamMessage) => {
    const episode = episodeOf(m);
    if (m.type === 'anomaly-opened' && !known.has(episode.episodeId)) {
      known.set(episode.episodeId, episode);
      print('opened', episode);
    } else if (m.type === 'anomaly-raised' && known.has(episode.episodeId)) {
      // The episode as it opened, at its new severity, with the evidence that raised it.
      const raised = {
        ...known.get(episode.episodeId)!,
        severity: episode.severity,
        score: episode.score,
        evidence: episode.evidence,
        raisedAt: m.data.occurredAt,
      };
      known.set(episode.episodeId, raised);
      print('raised', raised);
    } else if (m.type === 'anomaly-closed' && known.has(episode.episodeId)) {
      print('closed', known.get(episode.episodeId)!);
      known.delete(episode.episodeId);
    }
  };
  await followStream(base, {
    query: {
      types: 'anomaly-opened,anomaly-raised,anomaly-closed',
      ...(only ? { twin: only } : {}),
    },
    // The stream's messages wait, unread, until the open episodes are printed.
    onOpen: showOpen,
    onMessage: handle,
    onStatus: status,
    ...(signal ? { signal } : {}),
  });
  return 0;
}

/**
 * An episode as the stream tells it (AnomalyDetected's data; AnomalyEscalated's severity, score
 * and evidence; AnomalyCleared names the episode).
 */
function episodeOf(m: StreamMessage): Episode {
  const d = m.data.data as Partial<Episode>;
  return {
    twinId: m.data.twinId,
    episodeId: String(d.episodeId),
    detector: String(d.detector),
    properties: d.properties ?? [],
    severity: d.severity ?? 'info',
    score: d.score ?? 0,
    since: m.data.occurredAt,
    evidence: d.evidence ?? [],
  };
}

async function openEpisodes(base: string, only: string | undefined): Promise<Episode[]> {
  const ids = only
    ? [only]
    : (await getAllPages<{ twinId: string; activeAnomalies?: number }>(base, '/v1/twins', 'twins'))
        .filter((t) => (t.activeAnomalies ?? 1) > 0)
        .map((t) => t.twinId);
  const episodes: Episode[] = [];
  for (const twinId of ids) {
    const twin = await getJson<{ activeAnomalies: Record<string, Omit<Episode, 'twinId'>> }>(
      base,
      `/v1/twins/${encodeURIComponent(twinId)}`,
    );
    for (const a of Object.values(twin.activeAnomalies)) episodes.push({ ...a, twinId });
  }
  return episodes.sort((a, b) => a.since.localeCompare(b.since));
}

/** One episode on one line, ending with its id (what `twinlog explain` takes). */
export function episodeLine(kind: string, e: Episode): string {
  const evidence = e.evidence
    .map((v) => {
      const band =
        v.expectedLow !== undefined && v.expectedHigh !== undefined
          ? `expected ${round(v.expectedLow)}..${round(v.expectedHigh)}`
          : v.expected !== undefined
            ? `expected ${round(v.expected)}`
            : '';
      return `${v.property} ${round(v.observed)} ${band}`.trim();
    })
    .join('; ');
  const raised = e.raisedAt ? ` (raised to ${e.severity} at ${e.raisedAt})` : '';
  return `${kind.padEnd(6)} ${e.since}  ${e.twinId}  ${e.severity}${raised} ${e.detector} on ${e.properties.join(', ')} (score ${e.score.toFixed(2)}): ${evidence}  [id ${e.episodeId}]`;
}

function round(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
