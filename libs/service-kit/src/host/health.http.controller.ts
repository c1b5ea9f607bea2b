import { Controller, Get, Inject } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { z } from 'zod';
import { Describe } from '../http/route-description';
import type { ServiceDefinition } from './service-definition';
import { ServiceReadiness } from './service-readiness';

/** The definition of the service in this app, for the probes' details. */
export const SERVICE_DEFINITION = Symbol('ServiceDefinition');

/**
 * Kubernetes probes, the same in every service: alive while the process runs; ready once every
 * start-up step is done (503 NOT_READY names those still running).
 */
@Controller('health')
export class HealthHttpController {
  constructor(
    private readonly readiness: ServiceReadiness,
    @Inject(SERVICE_DEFINITION) private readonly definition: ServiceDefinition,
    private readonly modules: ModuleRef,
  ) {}

  @Get('live')
  @Describe({
    summary: 'Liveness: the process runs',
    response: z.object({ status: z.literal('up') }),
  })
  live(): { status: 'up' } {
    return { status: 'up' };
  }

  @Get('ready')
  @Describe({
    summary: 'Readiness: every start-up step is done',
    response: z.looseObject({ status: z.literal('ready') }),
    errors: { 503: 'NOT_READY: `details.waitingFor` names the steps still running (Retry-After)' },
  })
  ready(): { status: 'ready' } & Record<string, unknown> {
    this.readiness.assertReady();
    const details = this.definition.readyDetails?.((token) =>
      this.modules.get(token, { strict: false }),
    );
    return { status: 'ready', ...details };
  }
}
