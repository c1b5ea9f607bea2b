import type { Type } from '@nestjs/common';
import { DeadLettersHttpController } from './dead-letters/dead-letters.http.controller';
import { ReadingsHttpController } from './http/readings.http.controller';
import { MqttStatusHttpController } from './mqtt/mqtt-status.http.controller';

/**
 * The service's HTTP controllers: what its definition serves, and what the gateway's OpenAPI
 * document describes (ADR 0016), so the two cannot differ.
 */
export const INGESTION_HTTP_API: Type<unknown>[] = [
  ReadingsHttpController,
  DeadLettersHttpController,
  MqttStatusHttpController,
];
