import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { EventLog, RetentionRun } from '@twinlog/event-log';
import { TwinlogError } from '@twinlog/domain';
import type { TelemetryStore } from '@twinlog/telemetry-store';
import { EVENT_LOG, TELEMETRY_STORE, TELEMETRY_WRITER_GROUP } from '@twinlog/service-kit';
import type { TwinStateConfig } from '../config/twin-state.config';
import { SnapshotWriter } from '../state/snapshot-writer';
import { TWIN_STATE_CONFIG } from '../tokens';
import { dataDirUsage } from './data-dir-usage';
import type { StorageReport } from './storage-answers';

const DAY_MS = 86_400_000;
/** Retention runs a minute after start, then hourly; the cap is checked every ten minutes. */
const FIRST_RUN_MS = 60_000;
const RUN_EVERY_MS = 3_600_000;
const CAP_CHECK_MS = 600_000;
/** The share of the cap from which the size is warned of. */
const WARN_AT = 0.8;
const PROGRESS_EVERY_MS = 5_000;

/**
 * The embedded mode's storage (docs/adr/0024): what the data directory holds and costs, the
 * raw telemetry log's retention (snapshots first, then the run), and the size cap's warning.
 * In the distributed mode Kafka's topic settings and InfluxDB's buckets do this (docs/sizing.md).
 */
@Injectable()
export class StorageService implements OnApplicationShutdown {
  private readonly logger = new Logger('Storage');
  private timers: NodeJS.Timeout[] = [];
  /** Runs one after another, each with the cutoff it was asked for. */
  private queue: Promise<unknown> = Promise.resolve();
  private capWarned: 'ok' | 'warning' | 'over' = 'ok';

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(TELEMETRY_STORE) private readonly store: TelemetryStore,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
    private readonly snapshots: SnapshotWriter,
  ) {}

  start(): void {
    if (!this.log.telemetryRetention) return;
    const every = (ms: number, work: () => Promise<unknown>) => {
      const timer = setInterval(() => void work().catch((e) => this.failed(e)), ms);
      timer.unref();
      this.timers.push(timer);
    };
    const first = setTimeout(
      () => void this.scheduled().catch((e) => this.failed(e)),
      FIRST_RUN_MS,
    );
    first.unref();
    this.timers.push(first);
    every(RUN_EVERY_MS, () => this.scheduled());
    every(CAP_CHECK_MS, () => this.checkCap());
  }

  async report(): Promise<StorageReport> {
    const retention = this.log.telemetryRetention;
    if (!retention) {
      return {
        mode: 'distributed',
        note: 'Kafka topics and InfluxDB buckets hold the data: their retention is set as code (k8s/kafka/topics.yaml, the telemetry bucket), and their sizes are in their own metrics (docs/sizing.md)',
      };
    }
    const files = await dataDirUsage(this.config.service.dataDir);
    const bytesOnDisk = files.reduce((sum, f) => sum + f.bytes, 0);
    const readings = this.store.readingsHeld?.() ?? 0;
    const counts = retention.counts();
    const { capBytes, telemetryLogRetentionDays } = this.config.storage;
    return {
      mode: 'embedded',
      dataDir: this.config.service.dataDir,
      bytesOnDisk,
      readings,
      bytesPerReading: readings > 0 ? Math.round((bytesOnDisk / readings) * 10) / 10 : null,
      files,
      telemetryLog: {
        retentionDays: telemetryLogRetentionDays,
        keptFrom: retention.keptFrom(),
        events: counts.events,
        keptForCurrentValues: counts.keptForState,
        freeBytesInFile: counts.freeBytes,
        furthestBehind: retention.heldBack([TELEMETRY_WRITER_GROUP]),
      },
      cap: {
        bytes: capBytes > 0 ? capBytes : null,
        status: capStatus(bytesOnDisk, capBytes),
      },
    };
  }

  /**
   * Runs retention now: the twins that changed are snapshotted first, then telemetry recorded
   * before `olderThan` (by default the configured window before now) is dropped. One run at a time.
   */
  runRetention(olderThan?: string): Promise<RetentionRun> {
    const retention = this.log.telemetryRetention;
    if (!retention)
      throw new TwinlogError(
        'EMBEDDED_ONLY',
        "Retention of the raw telemetry log is the embedded mode's: in the distributed mode it is the telemetry topic's (docs/sizing.md)",
      );
    const { minAgeMs, telemetryLogRetentionDays: days } = this.config.storage;
    const youngest = Date.now() - minAgeMs;
    if (olderThan !== undefined && Date.parse(olderThan) > youngest)
      throw new TwinlogError(
        'COMMAND_INVALID',
        `olderThan ${olderThan} is too recent: the log keeps at least ${minAgeMs / 3_600_000} hours (before ${new Date(youngest).toISOString()}), which the process figures and live stream clients read`,
        { problems: ['olderThan: at least TWIN_STATE_RETENTION_MIN_AGE_HOURS ago'] },
      );
    const cutoff =
      olderThan ?? (days === null ? undefined : new Date(Date.now() - days * DAY_MS).toISOString());
    if (!cutoff)
      return Promise.resolve({
        keptFrom: retention.keptFrom(),
        scanned: 0,
        deleted: 0,
        heldBackBy: null,
        ms: 0,
      });
    const run = this.queue.then(() => this.retain(cutoff));
    this.queue = run.catch(() => undefined);
    return run;
  }

  async onApplicationShutdown(): Promise<void> {
    this.timers.forEach((t) => clearInterval(t));
    await this.queue;
  }

  private async retain(cutoff: string): Promise<RetentionRun> {
    const retention = this.log.telemetryRetention!;
    await this.snapshots.snapshot();
    let last = Date.now();
    const run = await retention.run(cutoff, {
      // A reading leaves the log only once the store has it.
      waitFor: [TELEMETRY_WRITER_GROUP],
      onProgress: (p) => {
        if (Date.now() - last < PROGRESS_EVERY_MS) return;
        last = Date.now();
        this.logger.log(
          `telemetry log retention: ${p.phase === 'scan' ? 'reading' : 'deleting'} ${p.done} of ${p.total} events`,
        );
      },
    });
    if (run.deleted > 0 || run.heldBackBy)
      this.logger.log(
        `telemetry log retention: ${run.deleted} events older than ${cutoff} deleted in ${run.ms} ms; the log is whole from ${run.keptFrom ?? 'its start'}` +
          (run.heldBackBy
            ? `; held back by consumer group ${run.heldBackBy.group}, which has read up to offset ${run.heldBackBy.offset} only`
            : ''),
      );
    return run;
  }

  private async scheduled(): Promise<void> {
    await this.runRetention();
    await this.checkCap();
  }

  /** Warns from 80% of the cap; over it, cuts the raw telemetry log to its last day. */
  private async checkCap(): Promise<void> {
    const { capBytes } = this.config.storage;
    if (capBytes <= 0) return;
    const report = await this.report();
    if (report.mode !== 'embedded') return;
    const status = report.cap.status;
    const size = `${gigabytes(report.bytesOnDisk)} of its ${gigabytes(capBytes)} cap (TWINLOG_STORAGE_CAP_GB)`;
    if (status === 'ok') {
      if (this.capWarned !== 'ok') this.logger.log(`data directory back under 80%: ${size}`);
    } else if (status === 'warning') {
      this.logger.warn(
        `data directory ${report.dataDir} uses ${size}: see npx twinlog storage and docs/sizing.md`,
      );
    } else {
      this.logger.warn(
        `data directory ${report.dataDir} is over its cap: ${size}; cutting the raw telemetry log to its last day (the readings stay in the time-series store)`,
      );
      await this.runRetention(
        new Date(Date.now() - Math.max(DAY_MS, this.config.storage.minAgeMs)).toISOString(),
      );
      const after = await this.report();
      if (after.mode === 'embedded' && after.cap.status === 'over')
        this.logger.warn(
          `the data directory is still over its cap after the cut: ${after.files
            .slice(0, 3)
            .map((f) => `${f.file} ${gigabytes(f.bytes)}`)
            .join(
              ', ',
            )}. The time-series store keeps every reading and twin events are never dropped: raise TWINLOG_STORAGE_CAP_GB, free disk, or run the distributed mode (docs/sizing.md)`,
        );
    }
    this.capWarned = status;
  }

  private failed(error: unknown): void {
    this.logger.warn(
      `telemetry log retention failed, tried again within the hour: ${(error as Error).message}`,
    );
  }
}

function capStatus(bytes: number, capBytes: number): 'ok' | 'warning' | 'over' {
  if (capBytes <= 0 || bytes < WARN_AT * capBytes) return 'ok';
  return bytes < capBytes ? 'warning' : 'over';
}

const gigabytes = (bytes: number): string => `${(bytes / 1e9).toFixed(2)} GB`;
