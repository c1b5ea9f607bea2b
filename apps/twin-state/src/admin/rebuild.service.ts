import { Inject, Injectable } from '@nestjs/common';
import {
  bounded,
  foldTwin,
  initialTwinState,
  TwinProjection,
  TwinlogError,
  TWIN_STATE_STREAMS,
  type TwinState,
} from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import { EVENT_LOG } from '@twinlog/service-kit';
import { LiveTwins } from '../state/live-twins';
import { stateChecksum } from './state-checksum';

export type RebuildProgress =
  { phase: 'replay'; events: number; total?: number } | { phase: 'done'; report: RebuildReport };

export interface RebuildReport {
  /** Twins whose rebuilt state was compared with the live one. */
  verified: number;
  /** Twins whose rebuilt state differs from the live one: the log and the live state disagree. */
  mismatches: Array<{ twinId: string; live: string | null; rebuilt: string | null }>;
  /** Twins that received events while the rebuild ran: compared at different points, skipped. */
  movedOn: string[];
  events: number;
  seconds: number;
}

/**
 * Rebuilds twin state from the log alone (no snapshots) and compares it, twin by twin, with
 * the live state by checksum: the proof that the log is the truth. A twin that received events
 * during the rebuild is reported as moved on rather than compared at two different points.
 */
@Injectable()
export class RebuildService {
  constructor(
    private readonly live: LiveTwins,
    @Inject(EVENT_LOG) private readonly log: EventLog,
  ) {}

  async rebuildOne(twinId: string): Promise<RebuildReport> {
    const started = Date.now();
    const events = await this.log.readStream(twinId, { streams: [...TWIN_STATE_STREAMS] });
    if (events.length === 0)
      throw new TwinlogError('TWIN_NOT_FOUND', `Twin ${bounded(twinId)} has no events`, {
        twinId: bounded(twinId),
      });
    const rebuilt = foldTwin(events, initialTwinState(twinId));
    return this.compare([rebuilt], events.length, started);
  }

  /**
   * Every twin rebuilt and compared. With shared replicas (ADR 0023) each replica rebuilds the
   * partitions it holds: the one asked does its own and asks the others (`others`), and the
   * report adds theirs up; progress counts the events of all.
   */
  async rebuildAll(
    progress: (p: RebuildProgress) => void,
    others: Array<(progress: (p: RebuildProgress) => void) => Promise<RebuildReport>> = [],
  ): Promise<RebuildReport> {
    const counts = new Array<number>(others.length + 1).fill(0);
    const totals = new Array<number | undefined>(others.length + 1).fill(undefined);
    const tell = (i: number) => (p: RebuildProgress) => {
      if (p.phase !== 'replay') return;
      counts[i] = p.events;
      totals[i] = p.total;
      const total = totals.every((t) => t !== undefined)
        ? totals.reduce<number>((a, t) => a + t!, 0)
        : undefined;
      progress({
        phase: 'replay',
        events: counts.reduce((a, n) => a + n, 0),
        ...(total !== undefined ? { total } : {}),
      });
    };
    const reports = await Promise.all([
      this.rebuildHeld(tell(0)),
      ...others.map((other, i) => other(tell(i + 1))),
    ]);
    const report: RebuildReport = {
      verified: reports.reduce((a, r) => a + r.verified, 0),
      mismatches: reports.flatMap((r) => r.mismatches),
      movedOn: reports.flatMap((r) => r.movedOn),
      events: reports.reduce((a, r) => a + r.events, 0),
      seconds: Math.max(...reports.map((r) => r.seconds)),
    };
    progress({ phase: 'done', report });
    return report;
  }

  /** The twins this replica holds (every twin, with one replica), rebuilt from the log alone. */
  private async rebuildHeld(progress: (p: RebuildProgress) => void): Promise<RebuildReport> {
    const started = Date.now();
    const projection = new TwinProjection();
    const held = this.live.heldPartitions();
    const { events } = await this.log.replay(
      {
        streams: [...TWIN_STATE_STREAMS],
        // Shared replicas: this one's partitions only (the others rebuild theirs).
        ...(held ? { partitions: held } : {}),
        onProgress: ({ events: n, total }) =>
          progress({ phase: 'replay', events: n, ...(total ? { total } : {}) }),
      },
      async (batch) => projection.apply(batch.map((r) => r.event)),
    );
    const report = this.compare(
      projection.all().filter((s) => this.live.holdsLive(s.twinId)),
      events,
      started,
    );
    // A twin the live state has but the log does not is a mismatch too.
    for (const live of this.live.all()) {
      if (!projection.get(live.twinId) && !report.movedOn.includes(live.twinId)) {
        report.mismatches.push({ twinId: live.twinId, live: stateChecksum(live), rebuilt: null });
      }
    }
    return report;
  }

  private compare(rebuilt: TwinState[], events: number, started: number): RebuildReport {
    const report: RebuildReport = { verified: 0, mismatches: [], movedOn: [], events, seconds: 0 };
    for (const state of rebuilt) {
      if (state.status === 'unregistered') continue;
      const live = this.live.get(state.twinId);
      if (
        live &&
        (live.revision > state.revision || live.telemetryRevision > state.telemetryRevision)
      ) {
        report.movedOn.push(state.twinId);
        continue;
      }
      const [a, b] = [live ? stateChecksum(live) : null, stateChecksum(state)];
      report.verified += 1;
      if (a !== b) report.mismatches.push({ twinId: state.twinId, live: a, rebuilt: b });
    }
    report.seconds = (Date.now() - started) / 1000;
    return report;
  }
}
