import { authHeaders } from './api-client';

/** `twinlog rebuild [--twin ID]`: rebuild from the log and verify against the live state. */
export async function rebuildCommand(
  baseUrl: string,
  args: string[],
  out: (line: string) => void,
  progress: (line: string) => void,
): Promise<number> {
  const twinAt = args.indexOf('--twin');
  const twinId = twinAt >= 0 ? args[twinAt + 1] : undefined;
  if (twinAt >= 0 && !twinId) throw new Error('--twin needs a twin id');
  const url = `${baseUrl}/v1/admin/rebuild${twinId ? `/${encodeURIComponent(twinId)}` : ''}`;
  const response = await fetch(url, { method: 'POST', headers: authHeaders() });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as {
      error?: { code: string; message: string };
    };
    throw new Error(
      `twin-state answered ${response.status}: ${body.error?.message ?? response.statusText}`,
    );
  }
  let report: RebuildReport | undefined;
  if (twinId) {
    report = (await response.json()) as RebuildReport;
  } else {
    let buffered = '';
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffered += Buffer.from(chunk).toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        const message = JSON.parse(line) as Progress;
        if (message.phase === 'replay') {
          const pct = message.total
            ? ` (${((100 * message.events) / message.total).toFixed(0)}%)`
            : '';
          progress(`replaying the log: ${message.events.toLocaleString('en-US')} events${pct}`);
        } else if (message.phase === 'failed') {
          throw new Error(`rebuild failed: ${message.error}`);
        } else {
          report = message.report;
        }
      }
    }
  }
  if (!report) throw new Error('twin-state ended the rebuild without a report');
  out(
    `rebuilt ${report.events.toLocaleString('en-US')} events in ${report.seconds.toFixed(1)} s: ` +
      `${report.verified} twins verified, ${report.mismatches.length} differ from the live state, ` +
      `${report.movedOn.length} changed while rebuilding`,
  );
  for (const m of report.mismatches)
    out(`  differs: ${m.twinId} (live ${m.live ?? 'missing'}, rebuilt ${m.rebuilt ?? 'missing'})`);
  return report.mismatches.length === 0 ? 0 : 1;
}

interface RebuildReport {
  verified: number;
  mismatches: Array<{ twinId: string; live: string | null; rebuilt: string | null }>;
  movedOn: string[];
  events: number;
  seconds: number;
}

type Progress =
  | { phase: 'replay'; events: number; total?: number }
  | { phase: 'done'; report: RebuildReport }
  | { phase: 'failed'; error: string };
