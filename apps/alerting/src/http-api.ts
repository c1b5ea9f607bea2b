import type { Type } from '@nestjs/common';

/**
 * The service's HTTP controllers: what its definition serves, and what the gateway's OpenAPI
 * document describes (ADR 0016), so the two cannot differ. The alerts, channels, rules,
 * silences and deliveries controllers join this list.
 */
export const ALERTING_HTTP_API: Type<unknown>[] = [];
