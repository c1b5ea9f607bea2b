/** Drops the broker reported while this instance watched, due to be logged together. */
export interface DropReport {
  dropped: number;
  /** From the counter's last reading before these drops to the reading that showed the last. */
  overMs: number;
  sinceStart: number;
}

export interface DropCounts {
  /** The broker's counter at its last reading (it counts from the broker's start); null before one. */
  droppedTotal: number | null;
  /** Drops that happened while this instance watched. */
  droppedSinceStart: number;
  lastDropAt: number | null;
  lastReadAt: number | null;
}

/**
 * The arithmetic of the broker's drop counter ($SYS/broker/publish/messages/dropped), apart
 * from MQTT and timers. The first reading is the baseline: drops before it happened before this
 * instance watched. A reading below the last means the broker restarted (its counters start at
 * 0 again), so all of it is new. Drops are reported at once, then at most once per
 * `reportEveryMs`, the ones in between added up, so a storm of drops is a line per interval.
 */
export class BrokerDropTally {
  private total: number | null = null;
  private sinceStart = 0;
  private lastDropAt: number | null = null;
  private lastReadAt: number | null = null;
  private pending = 0;
  private pendingFrom = 0;
  private lastReportAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly reportEveryMs: number) {}

  /** A reading of the counter at `at` (ms); the report to log now, if one is due. */
  observe(total: number, at: number): DropReport | undefined {
    if (!Number.isSafeInteger(total) || total < 0) return undefined;
    const previous = this.total;
    const previousAt = this.lastReadAt ?? at;
    this.total = total;
    this.lastReadAt = at;
    if (previous === null) return undefined;
    const moved = total >= previous ? total - previous : total;
    if (moved > 0) {
      if (this.pending === 0) this.pendingFrom = previousAt;
      this.pending += moved;
      this.sinceStart += moved;
      this.lastDropAt = at;
    }
    return this.due(at);
  }

  /** The pending drops' report if the interval since the last report has passed at `at`. */
  due(at: number): DropReport | undefined {
    if (this.pending === 0 || at - this.lastReportAt < this.reportEveryMs) return undefined;
    const report: DropReport = {
      dropped: this.pending,
      overMs: (this.lastDropAt ?? at) - this.pendingFrom,
      sinceStart: this.sinceStart,
    };
    this.pending = 0;
    this.lastReportAt = at;
    return report;
  }

  /** When drops held back by the interval may be reported; undefined when none are. */
  nextReportAt(): number | undefined {
    return this.pending === 0 ? undefined : this.lastReportAt + this.reportEveryMs;
  }

  counts(): DropCounts {
    return {
      droppedTotal: this.total,
      droppedSinceStart: this.sinceStart,
      lastDropAt: this.lastDropAt,
      lastReadAt: this.lastReadAt,
    };
  }
}

const count = (n: number) => n.toLocaleString('en-US');

/** Where the log line and the status point a reader who sees drops. */
export const DROPS_DOC = 'docs/services/ingestion.md#what-the-broker-can-still-drop';

/** The warning a report is logged as. */
export function dropWarning(report: DropReport): string {
  const seconds = Math.max(1, Math.round(report.overMs / 1000));
  return (
    `MQTT broker dropped ${count(report.dropped)} message${report.dropped === 1 ? '' : 's'} ` +
    `over ${seconds} s (${count(report.sinceStart)} since ingestion started): a subscriber's ` +
    `queue is full (max_queued_messages / max_queued_bytes) or a client is too slow; see ${DROPS_DOC}`
  );
}
