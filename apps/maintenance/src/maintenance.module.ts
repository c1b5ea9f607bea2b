import { Module, type DynamicModule } from '@nestjs/common';
import type { Infrastructure } from '@twinlog/service-kit';
import type { MaintenanceConfig } from './config/maintenance.config';
import { HealthHttpController } from './http/health.http.controller';
import { MaintenanceHttpController } from './http/maintenance.http.controller';
import { PredictionWorker } from './prediction/prediction-worker';
import { PredictionMessageController } from './prediction/prediction.message.controller';
import { CLOCK, INFRASTRUCTURE, MAINTENANCE_CONFIG } from './tokens';
import { TwinEventsMessageController } from './twins/twin-events.message.controller';
import { TwinEventsView } from './twins/twin-events-view';

@Module({})
export class MaintenanceModule {
  /** The service wired to the given infrastructure (Kafka, or embedded). */
  static register(
    config: MaintenanceConfig,
    infra: Infrastructure,
    clock: () => string = () => new Date().toISOString(),
  ): DynamicModule {
    return {
      module: MaintenanceModule,
      controllers: [
        MaintenanceHttpController,
        HealthHttpController,
        TwinEventsMessageController,
        PredictionMessageController,
      ],
      providers: [
        { provide: INFRASTRUCTURE, useValue: infra },
        { provide: MAINTENANCE_CONFIG, useValue: config },
        { provide: CLOCK, useValue: clock },
        TwinEventsView,
        PredictionWorker,
      ],
    };
  }
}
