import type { Type } from '@nestjs/common';
import { MaintenanceHttpController } from './http/maintenance.http.controller';
import { WorkerHttpController } from './http/worker.http.controller';
import { ReportHttpController } from './report/report.http.controller';

/**
 * The service's HTTP controllers: what its definition serves, and what the gateway's OpenAPI
 * document describes (ADR 0016), so the two cannot differ.
 */
export const MAINTENANCE_HTTP_API: Type<unknown>[] = [
  MaintenanceHttpController,
  WorkerHttpController,
  ReportHttpController,
];
