import { Inject, Injectable } from '@nestjs/common';
import {
  stampEvents,
  type SimulationAsk,
  type SimulationRequest,
  type SimulationSummary,
  type TwinEvent,
} from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import { EVENT_LOG, LogUnavailableError } from '@twinlog/service-kit';

/** Who asked, for the audit trail (from the request's headers). */
export interface RunMeta {
  correlationId?: string;
  actor?: string;
  /** The sites the caller may act on (authentication's); all when absent. */
  sites?: (site: string | null) => boolean;
  /** The plain words the run was asked in (POST /v1/simulations/ask), recorded with its request. */
  ask?: SimulationAsk;
}

/**
 * Records each run in its twin's twin-events stream: SimulationRequested before it computes,
 * then SimulationCompleted, Cancelled or Failed, caused by the request. Event ids derive from
 * the simulation id, so a retried append records nothing twice.
 */
@Injectable()
export class RunRecorder {
  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  requested(
    twinId: string,
    request: SimulationRequest,
    meta: RunMeta,
    now: string,
  ): Promise<string> {
    return this.record(
      twinId,
      request.simulationId,
      'requested',
      { type: 'SimulationRequested', data: request },
      meta,
      now,
      null,
    );
  }

  completed(
    twinId: string,
    summary: SimulationSummary,
    meta: RunMeta,
    now: string,
  ): Promise<string> {
    return this.record(
      twinId,
      summary.simulationId,
      'completed',
      { type: 'SimulationCompleted', data: summary },
      meta,
      now,
    );
  }

  cancelled(
    twinId: string,
    simulationId: string,
    progress: number,
    meta: RunMeta,
    now: string,
  ): Promise<string> {
    return this.record(
      twinId,
      simulationId,
      'cancelled',
      {
        type: 'SimulationCancelled',
        data: { simulationId, reason: 'cancelled on request', progress },
      },
      meta,
      now,
    );
  }

  failed(
    twinId: string,
    simulationId: string,
    code: string,
    message: string,
    meta: RunMeta,
    now: string,
  ): Promise<string> {
    return this.record(
      twinId,
      simulationId,
      'failed',
      { type: 'SimulationFailed', data: { simulationId, code, message } },
      meta,
      now,
    );
  }

  private async record(
    twinId: string,
    simulationId: string,
    step: string,
    event: TwinEvent,
    meta: RunMeta,
    now: string,
    causationId: string | null = `${simulationId}/requested/0`,
  ): Promise<string> {
    const [stamped] = stampEvents(twinId, [{ ...event, occurredAt: now }], {
      commandId: `${simulationId}/${step}`,
      correlationId: meta.correlationId ?? simulationId,
      causationId,
      producer: meta.actor ? `simulation/${meta.actor}` : 'simulation',
      now,
    });
    try {
      await this.log.append([stamped!]);
    } catch (error) {
      throw new LogUnavailableError(error);
    }
    return stamped!.id;
  }
}
