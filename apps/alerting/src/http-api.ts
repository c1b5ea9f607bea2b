import type { Type } from '@nestjs/common';
import { AlertChannelsHttpController } from './http/alert-channels.http.controller';
import { AlertDeliveriesHttpController } from './http/alert-deliveries.http.controller';
import { AlertRulesHttpController } from './http/alert-rules.http.controller';
import { AlertsHttpController } from './http/alerts.http.controller';
import { SilencesHttpController } from './http/silences.http.controller';

/**
 * The service's HTTP controllers: what its definition serves, and what the gateway's OpenAPI
 * document describes (ADR 0016), so the two cannot differ.
 */
export const ALERTING_HTTP_API: Type<unknown>[] = [
  AlertsHttpController,
  AlertChannelsHttpController,
  AlertRulesHttpController,
  SilencesHttpController,
  AlertDeliveriesHttpController,
];
