import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { HttpProblem } from '@twinlog/service-kit';
import { LiveTwins } from '../state/live-twins';

/**
 * Commands and queries wait for the start-up rebuild: answering from a half-built state would
 * be wrong, so they get 503 NOT_READY (with Retry-After) until then. Probes are not guarded.
 */
@Injectable()
export class ReadyGuard implements CanActivate {
  constructor(private readonly twins: LiveTwins) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http' || this.twins.ready) return true;
    const path = context.switchToHttp().getRequest<{ url?: string }>().url ?? '';
    if (path.startsWith('/health')) return true;
    throw new HttpProblem(
      503,
      'NOT_READY',
      'Rebuilding twin state from snapshots and the log',
      {},
      { 'Retry-After': '5' },
    );
  }
}
