import { Module, type DynamicModule } from '@nestjs/common';
import { TwinDirectory, type Infrastructure } from '@twinlog/service-kit';
import type { AnomalyConfig } from './config/anomaly.config';
import { DetectionWorker } from './detection/detection-worker';
import { DetectionMessageController } from './detection/detection.message.controller';
import { TwinDirectoryMessageController } from './directory/twin-directory.message.controller';
import { HealthHttpController } from './health/health.http.controller';
import { ANOMALY_CONFIG, CLOCK, INFRASTRUCTURE } from './tokens';

@Module({})
export class AnomalyModule {
  /** The service wired to the given infrastructure (Kafka, or embedded). */
  static register(
    config: AnomalyConfig,
    infra: Infrastructure,
    clock: () => string = () => new Date().toISOString(),
  ): DynamicModule {
    return {
      module: AnomalyModule,
      controllers: [
        HealthHttpController,
        TwinDirectoryMessageController,
        DetectionMessageController,
      ],
      providers: [
        { provide: INFRASTRUCTURE, useValue: infra },
        { provide: ANOMALY_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        { provide: TwinDirectory, useValue: new TwinDirectory() },
        DetectionWorker,
      ],
    };
  }
}
