import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { ServiceReadiness } from './service-readiness';

/**
 * For services that must not answer from a half-built state (twin-state during its rebuild):
 * every HTTP request but the probes gets 503 NOT_READY, with Retry-After, until ready.
 */
@Injectable()
export class ReadyGuard implements CanActivate {
  constructor(private readonly readiness: ServiceReadiness) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http' || this.readiness.ready) return true;
    const path = context.switchToHttp().getRequest<{ url?: string }>().url ?? '';
    if (path.startsWith('/health')) return true;
    this.readiness.assertReady();
    return true;
  }
}
