import { Module, type DynamicModule } from '@nestjs/common';
import type { Infrastructure } from '@twinlog/service-kit';
import type { IngestionConfig } from './config/ingestion.config';
import { DeadLettersHttpController } from './dead-letters/dead-letters.http.controller';
import { DeadLetters } from './dead-letters/dead-letters.service';
import { TwinDirectory } from './directory/twin-directory';
import { TwinDirectoryMessageController } from './directory/twin-directory.message.controller';
import { HealthHttpController } from './health/health.http.controller';
import { ReadingsHttpController } from './http/readings.http.controller';
import { ReadingIntake } from './intake/reading-intake.service';
import { EnterpriseTopicInput } from './kafka-input/enterprise-topic-input';
import { BrokerDropWatcher } from './mqtt/broker-drops';
import { MqttInput } from './mqtt/mqtt-input';
import { MqttStatusHttpController } from './mqtt/mqtt-status.http.controller';
import { INFRASTRUCTURE, INGESTION_CONFIG } from './tokens';
import { TelemetryWriterMessageController } from './writer/telemetry-writer.message.controller';

@Module({})
export class IngestionModule {
  /** The service wired to the given infrastructure (Kafka + InfluxDB, or embedded). */
  static register(config: IngestionConfig, infra: Infrastructure): DynamicModule {
    return {
      module: IngestionModule,
      controllers: [
        ReadingsHttpController,
        DeadLettersHttpController,
        HealthHttpController,
        MqttStatusHttpController,
        TwinDirectoryMessageController,
        TelemetryWriterMessageController,
      ],
      providers: [
        { provide: INFRASTRUCTURE, useValue: infra },
        { provide: INGESTION_CONFIG, useValue: config },
        TwinDirectory,
        ReadingIntake,
        DeadLetters,
        MqttInput,
        BrokerDropWatcher,
        EnterpriseTopicInput,
      ],
    };
  }
}
