import { getAllPages, getJson, option } from './api-client';

interface Episode {
  twinId: string;
  episodeId: string;
  detector: string;
  properties: string[];
  severity: string;
  score: number;
  since: string;
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
                                episodes as they open and close (Ctrl-C to stop)`;

/** `twinlog anomalies`: open episodes across the plant, and with --follow, their comings and goings. */
export async function anomaliesCommand(
  base: string,
  args: string[],
  out: (line: string) => void,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<number> {
  const json = option(args, 'json') !== undefined;
  const only = option(args, 'twin');
  const print = (kind: 'open' | 'opened' | 'closed', e: Episode) =>
    out(json ? JSON.stringify({ event: kind, ...e }) : describe(kind, e));
  let known = new Map((await openEpisodes(base, only)).map((e) => [e.episodeId, e]));
  if (!json && known.size === 0 && !option(args, 'follow')) out('No open anomalies.');
  for (const e of known.values()) print('open', e);
  if (!option(args, 'follow')) return 0;
  for (;;) {
    await sleep(2_000);
    const now = new Map((await openEpisodes(base, only)).map((e) => [e.episodeId, e]));
    for (const [id, e] of now) if (!known.has(id)) print('opened', e);
    for (const [id, e] of known) if (!now.has(id)) print('closed', e);
    known = now;
  }
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

function describe(kind: string, e: Episode): string {
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
  return `${kind.padEnd(6)} ${e.since}  ${e.twinId}  ${e.severity} ${e.detector} on ${e.properties.join(', ')} (score ${e.score.toFixed(2)}): ${evidence}`;
}

function round(x: number): string {
  return Number(x.toPrecision(4)).toString();
}
