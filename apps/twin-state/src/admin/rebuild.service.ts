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

  async rebuildAll(progress: (p: RebuildProgress) => void): Promise<RebuildReport> {
    const started = Date.now();
    const projection = new TwinProjection();
    const { events } = await this.log.replay(
      {
        streams: [...TWIN_STATE_STREAMS],
        onProgress: ({ events: n, total }) =>
          progress({ phase: 'replay', events: n, ...(total ? { total } : {}) }),
      },
      async (batch) => projection.apply(batch.map((r) => r.event)),
    );
    const report = this.compare(projection.all(), events, started);
    // A twin the live state has but the log does not is a mismatch too.
    for (const live of this.live.all()) {
      if (!projection.get(live.twinId) && !report.movedOn.includes(live.twinId)) {
        report.mismatches.push({ twinId: live.twinId, live: stateChecksum(live), rebuilt: null });
      }
    }
    progress({ phase: 'done', report });
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
