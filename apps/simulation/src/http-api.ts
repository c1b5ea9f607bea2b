import type { Type } from '@nestjs/common';
import { PhysicsHttpController } from './http/physics.http.controller';
import { SimulationsHttpController } from './http/simulations.http.controller';

/**
 * The service's HTTP controllers: what its definition serves, and what the gateway's OpenAPI
 * document describes (ADR 0016), so the two cannot differ.
 */
export const SIMULATION_HTTP_API: Type<unknown>[] = [
  SimulationsHttpController,
  PhysicsHttpController,
];
