import 'reflect-metadata';
import { TwinDirectory } from '@twinlog/read-models';
import {
  startService,
  twinDirectoryFollow,
  type Clock,
  type RunningService,
  type ServiceDefinition,
  type ServiceLogger,
  type ServicePorts,
} from '@twinlog/service-kit';
import { ANOMALY_HTTP_API } from './http-api';
import type { AnomalyConfig } from './config/anomaly.config';
import { DetectionWorker } from './detection/detection-worker';
import { DetectionMessageController } from './detection/detection.message.controller';
import { ANOMALY_CONFIG, DETECTION_FEED } from './tokens';

export interface RunningAnomaly extends RunningService {
  worker: DetectionWorker;
}

/**
 * An anomaly worker: the twin directory replays twin-events first (readiness waits for it),
 * then the worker joins the detection group on telemetry and the directory follows twin-events.
 * `close` finishes the batch in hand (its findings appended, its offsets committed), then leaves.
 */
export function anomalyService(config: AnomalyConfig): ServiceDefinition {
  return {
    name: 'anomaly',
    http: { ...config.http, timeouts: config.service.http, auth: config.service.auth },
    // Its findings have deterministic ids: the log refuses a second copy. It never reads a
    // twin's telemetry stream, so the Kafka adapter's index follows twin-events only.
    logUse: { dedupeOnAppend: true, indexedStreams: ['twin-events'] },
    usesStore: false,
    // The opt-in second opinion (docs/ai.md); off, it asks nothing.
    usesAi: true,
    controllers: [...ANOMALY_HTTP_API, DetectionMessageController],
    providers: [{ provide: ANOMALY_CONFIG, useValue: config }, TwinDirectory, DetectionWorker],
    follows: [twinDirectoryFollow(`${config.group}-directory`)],
    shares: [
      {
        group: config.group,
        streams: ['telemetry'],
        feed: DETECTION_FEED,
        maxBatchSize: config.maxBatch,
        concurrentPartitions: config.concurrentPartitions,
        onAssignment: (get) => (partitions) => get(DetectionWorker).assigned(partitions),
      },
    ],
    readyDetails: (get) => ({ twins: get(TwinDirectory).size }),
  };
}

export async function startAnomaly(
  config: AnomalyConfig,
  ports: ServicePorts,
  logger?: ServiceLogger,
  clock?: Clock,
): Promise<RunningAnomaly> {
  const running = await startService(anomalyService(config), ports, logger, clock);
  return { ...running, worker: running.app.get(DetectionWorker) };
}
