import type { Type } from '@nestjs/common';
import { AccessKeysHttpController } from '@twinlog/service-kit';
import { AdminHttpController } from './admin/admin.http.controller';
import { AiStatusHttpController } from './ai/ai-status.http.controller';
import { ExplanationsHttpController } from './ai/explanations.http.controller';
import { CommandsHttpController } from './commands/commands.http.controller';
import { StorageHttpController } from './storage/storage.http.controller';
import { StreamHttpController } from './stream/stream.http.controller';
import { TelemetryHttpController } from './telemetry/telemetry.http.controller';
import { TwinStatesHttpController } from './queries/twin-states.http.controller';
import { TwinsHttpController } from './queries/twins.http.controller';
import { WhoamiHttpController } from './whoami/whoami.http.controller';

/**
 * The service's HTTP controllers: what its definition serves, and what the gateway's OpenAPI
 * document describes (ADR 0016), so the two cannot differ.
 */
export const TWIN_STATE_HTTP_API: Type<unknown>[] = [
  CommandsHttpController,
  TwinsHttpController,
  // Many twins at once (and the states replicas ask of each other: ADR 0023).
  TwinStatesHttpController,
  TelemetryHttpController,
  AdminHttpController,
  // Any service could hold the keys API (they share the key store); the gateway routes /v1/admin here.
  AccessKeysHttpController,
  StreamHttpController,
  // Who the caller is: the dashboard's login and role-aware controls (docs/dashboard.md).
  WhoamiHttpController,
  // Whether AI assistance is on (issue 22, docs/ai.md).
  AiStatusHttpController,
  // Explanations of anomalies (issue 22, docs/ai.md).
  ExplanationsHttpController,
  // What the data directory holds and the raw telemetry log's retention (docs/sizing.md).
  StorageHttpController,
];
