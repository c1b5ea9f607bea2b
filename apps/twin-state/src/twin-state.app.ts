import 'reflect-metadata';
import { APP_INTERCEPTOR } from '@nestjs/core';
import {
  follow,
  startService,
  type RunningService,
  type ServiceDefinition,
  type ServiceLogger,
  type ServicePorts,
} from '@twinlog/service-kit';
import { TWIN_STATE_HTTP_API } from './http-api';
import { AnomalyExplanations } from './ai/anomaly-explanations.service';
import { RebuildService } from './admin/rebuild.service';
import { TwinCommands } from './commands/twin-commands.service';
import type { TwinStateConfig } from './config/twin-state.config';
import { TwinQueries } from './queries/twin-queries.service';
import { OwnerRouting } from './replicas/owner-routing.interceptor';
import { ReplicaFanOut } from './replicas/replica-fan-out';
import { WholeDirectory } from './replicas/whole-directory';
import { TwinOwnership } from './replicas/twin-ownership';
import { LiveTwins } from './state/live-twins';
import { ProcessKpiProjector } from './process-kpis/process-kpi-projector';
import { TwinTelemetry } from './telemetry/twin-telemetry.service';
import { SnapshotWriter } from './state/snapshot-writer';
import { StorageService } from './storage/storage.service';
import { StreamHub } from './stream/stream-hub';
import { TWIN_STATE_CONFIG } from './tokens';

export type RunningTwinState = RunningService;

/**
 * twin-state: the live state is restored from snapshots and the log after them (commands and
 * queries get 503 NOT_READY until then; probes answer), then follows the streams from where the
 * replay ended (the alerts stream for the live stream only). The process figures start after
 * that, in the background (ProcessKpiProjector). `close` writes a last snapshot, then stops the live feed.
 */
export function twinStateService(config: TwinStateConfig): ServiceDefinition {
  return {
    name: 'twin-state',
    http: { ...config.http, timeouts: config.service.http, auth: config.service.auth },
    // Telemetry history for charts (GET /v1/twins/:id/telemetry) reads the store.
    usesStore: true,
    // GET /v1/ai answers the assistant's status; the anomaly explanations ask it (issue 22).
    usesAi: true,
    controllers: TWIN_STATE_HTTP_API,
    providers: [
      { provide: TWIN_STATE_CONFIG, useValue: config },
      TwinOwnership,
      // Requests about one twin go to its owner (shared replicas only).
      { provide: APP_INTERCEPTOR, useClass: OwnerRouting },
      ReplicaFanOut,
      WholeDirectory,
      LiveTwins,
      SnapshotWriter,
      TwinCommands,
      TwinQueries,
      TwinTelemetry,
      RebuildService,
      StreamHub,
      ProcessKpiProjector,
      AnomalyExplanations,
      StorageService,
    ],
    follows: [
      follow({
        what: 'twin state',
        model: LiveTwins,
        // The state folds twin-events and telemetry; alerts only reach the live stream, from
        // where they end at start (LiveTwins.restore): their past is not replayed. Alerts come
        // before telemetry: the embedded log serves the first stream with events, and a
        // telemetry backlog must not hold an alert back.
        streams: ['twin-events', 'alerts', 'telemetry'],
        group: 'twin-state-live',
        maxBatchSize: 5_000,
        restore: (twins) => twins.restore(),
        fold: (twins, batch) => twins.apply(batch),
        caughtUp: (twins, next) => twins.caughtUp(next),
        summary: (twins, events) =>
          `${twins.size} twins from ${twins.snapshotsRestored} snapshots and ${events} events`,
      }),
      // Shared replicas: every twin's hierarchy, sites and episodes, whichever replica owns it.
      ...(config.replicas.shared
        ? [
            follow({
              what: 'twin directory',
              model: WholeDirectory,
              streams: ['twin-events'],
              group: 'twin-state-directory',
              fold: (directory, batch) => directory.apply(batch),
              caughtUp: (directory) => directory.caughtUp(),
              summary: (directory, events) => `${directory.size} twins from ${events} events`,
            }),
          ]
        : []),
    ],
    refuseUntilReady: true,
    readyDetails: (get) => ({
      twins: get(LiveTwins).size,
      readingsFolded: get(LiveTwins).readingsFolded,
    }),
    started: (get) => {
      get(SnapshotWriter).start();
      // The embedded mode's raw telemetry log retention and size cap (docs/adr/0024).
      get(StorageService).start();
      // In the background, only where TWIN_STATE_PROCESS_KPIS is on; readiness never waits for it.
      get(ProcessKpiProjector).start();
    },
    // Time travel and the audit trail read single twins.
    readsTwinStreams: true,
    stopping: async (get) => {
      await get(ProcessKpiProjector).stop();
      await get(SnapshotWriter).snapshot();
    },
  };
}

export function startTwinState(
  config: TwinStateConfig,
  ports: ServicePorts,
  logger?: ServiceLogger,
): Promise<RunningTwinState> {
  return startService(twinStateService(config), ports, logger);
}
