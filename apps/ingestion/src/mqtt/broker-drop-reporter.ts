import type { Logger } from '@nestjs/common';
import { BrokerDropTally, DROPS_DOC, dropWarning, type DropCounts } from './broker-drop-tally';

/** A storm of drops is one warning per this interval (the first at once). */
const REPORT_EVERY_MS = 30_000;

/**
 * Turns readings of the broker's drop counter into warnings on time: drops from before this
 * instance watched once, then new drops at once and at most one line per 30 s, the ones held
 * back by the interval logged when it ends (BrokerDropTally does the arithmetic).
 */
export class BrokerDropReporter {
  private readonly tally = new BrokerDropTally(REPORT_EVERY_MS);
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(private readonly logger: Logger) {}

  counts(): DropCounts {
    return this.tally.counts();
  }

  /** A reading of the counter, now. */
  observe(total: number): void {
    const first = this.tally.counts().droppedTotal === null;
    this.log(this.tally.observe(total, Date.now()));
    if (first && total > 0)
      this.logger.warn(
        `MQTT broker reports ${total.toLocaleString('en-US')} messages dropped since it started, before this ingestion instance watched; see ${DROPS_DOC}`,
      );
    this.scheduleHeldBack();
  }

  stop(): void {
    clearTimeout(this.reportTimer);
  }

  /** Drops held back by the report interval are logged when it ends. */
  private scheduleHeldBack(): void {
    const at = this.tally.nextReportAt();
    if (at === undefined || this.reportTimer) return;
    this.reportTimer = setTimeout(
      () => {
        this.reportTimer = undefined;
        this.log(this.tally.due(Date.now()));
        this.scheduleHeldBack();
      },
      Math.max(0, at - Date.now()),
    );
    this.reportTimer.unref();
  }

  private log(report: ReturnType<BrokerDropTally['due']>): void {
    if (report) this.logger.warn(dropWarning(report));
  }
}
