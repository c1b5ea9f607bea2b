import 'reflect-metadata';
import { AlertsProjection } from '@twinlog/domain';
import {
  follow,
  startService,
  type Clock,
  type RunningService,
  type ServiceDefinition,
  type ServiceLogger,
  type ServicePorts,
} from '@twinlog/service-kit';
import { ALERTING_API } from './alerting-api';
import { CausesMessageController } from './causes/causes.message.controller';
import type { AlertingConfig } from './config/alerting.config';
import { AlertDecisions } from './engine/alert-decisions';
import { AlertingEngine } from './engine/alerting-engine';
import { AlertTicker } from './engine/alert-ticker';
import { ChannelTargets } from './engine/channel-targets';
import { ALERTING_HTTP_API } from './http-api';
import { ALERTING_CONFIG, CAUSES_FEED, SILENCE_FEED } from './tokens';
import { AlertTwins } from './twins/alert-twins';

export interface RunningAlerting extends RunningService {
  engine: AlertingEngine;
  decisions: AlertDecisions;
  ticker: AlertTicker;
}

/**
 * The alerting service (ADR 0019), one replica: the single writer of alert decisions. At start
 * it replays twin-events into its twin directory and the alerts stream into its projection
 * (readiness waits for both), then follows both, joins the causes group on twin-events and the
 * silence group on telemetry, and starts its ticker (escalations, silent twins, deliveries).
 * `close` stops the ticker, lets the sends in flight finish and record their outcome, then the
 * subscriptions finish their batches.
 */
export function alertingService(config: AlertingConfig): ServiceDefinition {
  return {
    name: 'alerting',
    http: { ...config.http, timeouts: config.service.http, auth: config.service.auth },
    // Its decisions have deterministic ids: the log drops a second copy, which it finds in its
    // index of the alerts stream. It reads no twin's streams one by one.
    logUse: { dedupeOnAppend: true, indexedStreams: ['alerts'] },
    usesStore: false,
    controllers: [...ALERTING_HTTP_API, CausesMessageController],
    providers: [
      { provide: ALERTING_CONFIG, useValue: config },
      { provide: AlertsProjection, useFactory: () => new AlertsProjection() },
      AlertTwins,
      AlertDecisions,
      ChannelTargets,
      AlertingEngine,
      { provide: ALERTING_API, useExisting: AlertingEngine },
      AlertTicker,
    ],
    follows: [
      follow({
        what: 'twin directory',
        model: AlertTwins,
        streams: ['twin-events'],
        group: config.groups.twins,
        fold: (twins, batch) => twins.apply(batch.map((r) => r.event)),
        summary: (twins, events) => `${twins.size} twins from ${events} events`,
      }),
      follow({
        what: 'alerts',
        model: AlertsProjection,
        streams: ['alerts'],
        group: config.groups.alerts,
        fold: (alerts, batch) => alerts.apply(batch.map((r) => r.event)),
        summary: (alerts, events) =>
          `${alerts.alerts().filter((a) => a.status !== 'resolved').length} unresolved alerts, ${alerts.deliveries().filter((d) => d.status === 'pending').length} pending deliveries from ${events} events`,
      }),
    ],
    shares: [
      {
        group: config.groups.causes,
        streams: ['twin-events'],
        feed: CAUSES_FEED,
        maxBatchSize: config.maxBatch,
      },
      {
        group: config.groups.silence,
        streams: ['telemetry'],
        feed: SILENCE_FEED,
        // Only when twins report from now on matters (a start counts every twin as seen): a
        // first start never reads the telemetry history.
        fromBeginning: false,
      },
    ],
    // Commands decide on the projection: none before it is rebuilt (503 NOT_READY until then),
    // and no list answered from half of it.
    refuseUntilReady: true,
    readyDetails: (get) => ({
      twins: get(AlertTwins).size,
      unresolvedAlerts: get(AlertsProjection)
        .alerts()
        .filter((a) => a.status !== 'resolved').length,
    }),
    started: (get) => get(AlertTicker).start(),
    stopping: async (get) => {
      await get(AlertTicker).stop();
      get(ChannelTargets).close();
    },
  };
}

export async function startAlerting(
  config: AlertingConfig,
  ports: ServicePorts,
  logger?: ServiceLogger,
  clock?: Clock,
): Promise<RunningAlerting> {
  const running = await startService(alertingService(config), ports, logger, clock);
  return {
    ...running,
    engine: running.app.get(AlertingEngine),
    decisions: running.app.get(AlertDecisions),
    ticker: running.app.get(AlertTicker),
  };
}
