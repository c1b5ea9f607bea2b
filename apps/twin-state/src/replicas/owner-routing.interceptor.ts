import {
  Inject,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { bounded } from '@twinlog/domain';
import { HttpProblem } from '@twinlog/service-kit';
import type { TwinStateConfig } from '../config/twin-state.config';
import { LiveTwins } from '../state/live-twins';
import { TWIN_STATE_CONFIG } from '../tokens';
import { FORWARDED_HEADER, forwardToOwner } from './forward-to-owner';
import { partitionMoving } from './partition-moving';
import { WholeDirectory } from './whole-directory';
import { TwinOwnership } from './twin-ownership';

/** Express's request, as far as the routing reads it. */
interface Request extends IncomingMessage {
  method: string;
  originalUrl: string;
  params?: Record<string, unknown>;
  route?: { path?: string };
  body?: unknown;
}

/** How long a forwarded request may take: the longest of the twin routes' own answers. */
const FORWARD_TIMEOUT_MS = 60_000;
const POLL_MS = 50;

/** Thrown once the owner's answer was written: the error filter leaves a sent answer alone. */
export class AnsweredByOwner extends Error {}

/**
 * With replicas that share the partitions (ADR 0023), a request about one twin (a command, its
 * state, history or audit trail) is answered by the replica that owns the twin's partition: here,
 * or forwarded there once, with the caller's credential. While the partition changes hands, or
 * its new owner catches up, the request waits up to TWIN_STATE_HANDOVER_WAIT_MS, then gets 503
 * PARTITION_MOVING with Retry-After: nothing was applied, so sending it again is safe.
 */
@Injectable()
export class OwnerRouting implements NestInterceptor {
  private readonly logger = new Logger('twin-state replicas');

  constructor(
    private readonly ownership: TwinOwnership,
    private readonly twins: LiveTwins,
    private readonly whole: WholeDirectory,
    @Inject(TWIN_STATE_CONFIG) private readonly config: TwinStateConfig,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const { replicas } = this.config;
    if (!replicas.shared || context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const twinId = twinOfRequest(request, (episodeId) => this.whole.twinOfEpisode(episodeId));
    if (twinId === undefined) return next.handle();
    const deadline = Date.now() + replicas.handoverWaitMs;
    let unreachable: string | undefined;
    for (;;) {
      const place = await this.settle(twinId, deadline, unreachable);
      if (place === 'here') return next.handle();
      // A forwarded request meets a replica that is not the owner either: the maps disagree for
      // a moment (a rebalance under way). One hop at most, so never a loop.
      if (place === 'moving' || request.headers[FORWARDED_HEADER] !== undefined)
        throw partitionMoving(twinId);
      const response = http.getResponse<ServerResponse>();
      try {
        await forwardToOwner(
          {
            method: request.method,
            url: request.originalUrl,
            headers: request.headers,
            body: request.body,
          },
          place.url,
          replicas.url,
          response,
          FORWARD_TIMEOUT_MS,
        );
        throw new AnsweredByOwner('answered by the owner');
      } catch (error) {
        if (error instanceof AnsweredByOwner || response.headersSent) throw error;
        // Refused before it was sent: the owner is gone (it stopped, and the group has not yet
        // moved its partitions). Wait for the new owner; anything else may have reached it.
        if (refused(error) && unreachable === undefined) {
          unreachable = place.url;
          continue;
        }
        this.logger.warn(
          `the owner of ${bounded(twinId)} at ${place.url} did not answer: ${(error as Error).message}`,
        );
        // A read changed nothing; a command may have been applied before the answer was lost.
        if (request.method === 'GET' || request.method === 'HEAD') throw partitionMoving(twinId);
        throw outcomeUnknown(twinId);
      }
    }
  }

  /** Here (owned and caught up), the owner's URL, or still moving after the wait. */
  private async settle(
    twinId: string,
    deadline: number,
    unreachable?: string,
  ): Promise<'here' | 'moving' | { url: string }> {
    for (;;) {
      const place = this.ownership.where(twinId);
      if (place.kind === 'owner' && place.url !== unreachable) return { url: place.url };
      if (place.kind === 'here' && this.twins.holdsLive(twinId)) return 'here';
      if (Date.now() >= deadline) return 'moving';
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

/** The twin a request is about: the route's `:twinId` or `:episodeId`'s twin, or a registration's body. */
function twinOfRequest(
  request: Request,
  twinOfEpisode: (episodeId: string) => string | undefined,
): string | undefined {
  const param = request.params?.['twinId'];
  if (typeof param === 'string') return param;
  const episodeId = request.params?.['episodeId'];
  // An episode no replica knows is answered here: ANOMALY_NOT_FOUND, as with one replica.
  if (typeof episodeId === 'string') return twinOfEpisode(episodeId);
  if (request.method === 'POST' && request.route?.path === '/v1/twins') {
    const twinId = (request.body as { twinId?: unknown } | undefined)?.twinId;
    if (typeof twinId === 'string') return twinId;
  }
  return undefined;
}

/** Whether fetch failed because nothing listened at the owner's address (nothing was sent). */
function refused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED';
}

function outcomeUnknown(twinId: string): HttpProblem {
  return new HttpProblem(
    502,
    'SERVICE_UNAVAILABLE',
    `The replica that owns twin ${bounded(twinId)} did not answer: the command may or may not have been applied. Read the twin, or send the command again with the same Idempotency-Key`,
    { twinId: bounded(twinId) },
  );
}
