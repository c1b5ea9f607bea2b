import 'reflect-metadata';
import {
  follow,
  startService,
  type Clock,
  type RunningService,
  type ServiceDefinition,
  type ServiceLogger,
  type ServicePorts,
} from '@twinlog/service-kit';
import { MAINTENANCE_HTTP_API } from './http-api';
import type { MaintenanceConfig } from './config/maintenance.config';
import { PredictionWorker } from './prediction/prediction-worker';
import { PredictionMessageController } from './prediction/prediction.message.controller';
import { MAINTENANCE_CONFIG, TELEMETRY_FEED } from './tokens';
import { TwinEventsView } from './twins/twin-events-view';

export interface RunningMaintenance extends RunningService {
  worker: PredictionWorker;
}

/**
 * A maintenance worker: twin-events are replayed first (readiness waits for it), then it
 * follows twin-events (broadcast) and joins its consumer group on telemetry. `close` finishes
 * the batch in hand (its predictions appended, its offsets committed), then leaves.
 */
export function maintenanceService(config: MaintenanceConfig): ServiceDefinition {
  return {
    name: 'maintenance',
    http: { ...config.http, timeouts: config.service.http, auth: config.service.auth },
    // It de-duplicates its own predictions by id, and reads no twin's telemetry one by one.
    logUse: { dedupeOnAppend: true, indexedStreams: ['twin-events'] },
    usesStore: false,
    // The maintenance report (GET /v1/reports/maintenance) asks the AI layer for its words.
    usesAi: true,
    controllers: [...MAINTENANCE_HTTP_API, PredictionMessageController],
    providers: [
      { provide: MAINTENANCE_CONFIG, useValue: config },
      TwinEventsView,
      PredictionWorker,
    ],
    follows: [
      follow({
        what: 'twins and their maintenance history',
        model: TwinEventsView,
        streams: ['twin-events'],
        group: `${config.group}-twins`,
        fold: (view, batch) => view.apply(batch.map((r) => r.event)),
        summary: (view, events) => `${view.directory.size} twins from ${events} twin-events`,
      }),
    ],
    shares: [
      {
        group: config.group,
        streams: ['telemetry'],
        feed: TELEMETRY_FEED,
        maxBatchSize: config.maxBatch,
        onAssignment: (get) => (partitions) => get(PredictionWorker).assigned(partitions),
      },
    ],
    readyDetails: (get) => ({ twins: get(TwinEventsView).directory.size }),
    // Prediction history queries read one twin's events.
    readsTwinStreams: true,
  };
}

export async function startMaintenance(
  config: MaintenanceConfig,
  ports: ServicePorts,
  logger?: ServiceLogger,
  clock?: Clock,
): Promise<RunningMaintenance> {
  const running = await startService(maintenanceService(config), ports, logger, clock);
  return { ...running, worker: running.app.get(PredictionWorker) };
}
