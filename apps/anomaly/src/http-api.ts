import type { Type } from '@nestjs/common';
import { WorkerHttpController } from './http/worker.http.controller';

/**
 * The service's HTTP controllers: what its definition serves, and what the gateway's OpenAPI
 * document describes (ADR 0016), so the two cannot differ.
 */
export const ANOMALY_HTTP_API: Type<unknown>[] = [WorkerHttpController];
