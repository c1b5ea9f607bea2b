import { CliError, getJson, option, postJson, table } from './api-client';
import { printable } from './printable';

/** GET /v1/storage's answer in the embedded mode (apps/twin-state storage-answers.ts). */
export interface EmbeddedStorage {
  mode: 'embedded';
  dataDir: string;
  bytesOnDisk: number;
  readings: number;
  bytesPerReading: number | null;
  files: Array<{ file: string; bytes: number; holds: string }>;
  telemetryLog: {
    retentionDays: number | null;
    keptFrom: string | null;
    events: number;
    keptForCurrentValues: number;
    freeBytesInFile: number;
    furthestBehind: { group: string; offset: number } | null;
  };
  cap: { bytes: number | null; status: 'ok' | 'warning' | 'over' };
}

type StorageAnswer = EmbeddedStorage | { mode: 'distributed'; note: string };

interface RetentionRun {
  keptFrom: string | null;
  scanned: number;
  deleted: number;
  heldBackBy: { group: string; offset: number } | null;
  ms: number;
}

export const STORAGE_USAGE = `  twinlog storage [--json]      what the data directory holds, by file, what a reading costs to keep
                                (bytes per reading), and what retention and the size cap will keep
  twinlog storage retain [--older-than T]
                                run the raw telemetry log's retention now (default: its window)`;

/** `twinlog storage [retain]`. */
export async function storageCommand(
  base: string,
  args: string[],
  out: (line: string) => void,
): Promise<number> {
  if (args[0] === 'retain') {
    const olderThan = option(args, 'older-than');
    const run = await postJson<RetentionRun>(base, '/v1/admin/retention', {
      ...(olderThan ? { olderThan } : {}),
    });
    out(
      `retention: ${run.deleted} telemetry events deleted of ${run.scanned} read, in ${run.ms} ms; the raw telemetry log is whole from ${run.keptFrom ?? 'its start'}`,
    );
    if (run.heldBackBy)
      out(
        `held back by consumer group ${printable(run.heldBackBy.group)}, which has read up to offset ${run.heldBackBy.offset}`,
      );
    return 0;
  }
  if (args[0] !== undefined && args[0] !== '--json')
    throw new CliError(`unknown storage command "${printable(args[0])}"\n${STORAGE_USAGE}`);
  const answer = await getJson<StorageAnswer>(base, '/v1/storage');
  if (args.includes('--json')) out(JSON.stringify(answer, null, 2));
  else if (answer.mode === 'distributed') out(answer.note);
  else describeStorage(answer).forEach((line) => out(line));
  return 0;
}

/** The report as lines; `bytes per reading: N` is the line other tools read (issue 26). */
export function describeStorage(s: EmbeddedStorage): string[] {
  const log = s.telemetryLog;
  const cap =
    s.cap.bytes === null
      ? 'no size cap (TWINLOG_STORAGE_CAP_GB=0)'
      : `size cap ${size(s.cap.bytes)}: ${Math.round((100 * s.bytesOnDisk) / s.cap.bytes)}% used${s.cap.status === 'ok' ? '' : s.cap.status === 'warning' ? ', WARNING: near the cap' : ', OVER THE CAP: the raw telemetry log is cut to its last day'}`;
  return [
    `data directory: ${s.dataDir}`,
    `on disk: ${size(s.bytesOnDisk)}, holding ${s.readings.toLocaleString('en')} readings`,
    `bytes per reading: ${s.bytesPerReading === null ? 'n/a (no readings yet)' : s.bytesPerReading.toFixed(1)}`,
    '',
    ...table([
      ['file', 'on disk', 'holds'],
      ...s.files.map((f) => [printable(f.file), size(f.bytes), f.holds]),
    ]),
    '',
    `raw telemetry log: ${log.events.toLocaleString('en')} events; ${log.retentionDays === null ? 'kept forever (TWINLOG_TELEMETRY_LOG_RETENTION_DAYS=forever)' : `keeps ${log.retentionDays} days whole`}${log.keptFrom ? `, whole from ${log.keptFrom}` : ', nothing dropped yet'}`,
    ...(log.keptForCurrentValues > 0
      ? [`  ${log.keptForCurrentValues} older events kept: they hold a current value`]
      : []),
    ...(log.freeBytesInFile > 0
      ? [`  ${size(log.freeBytesInFile)} free inside events.sqlite, reused before it grows`]
      : []),
    ...(log.furthestBehind
      ? [
          `  consumer furthest behind: ${printable(log.furthestBehind.group)} at offset ${log.furthestBehind.offset} (retention never passes it)`,
        ]
      : []),
    'time-series store: every reading at full resolution, kept forever',
    'twin events (registrations, commands, anomalies, maintenance): kept forever, the audit trail',
    cap,
  ];
}

function size(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}
