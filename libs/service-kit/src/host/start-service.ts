import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  Logger,
  Module,
  type DynamicModule,
  type INestApplication,
  type LoggerService,
  type LogLevel,
  type Provider,
} from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import { AI_ASSISTANT } from '@twinlog/ai';
import { eventFeedController, EventLogServer } from '@twinlog/nest-transport';
import { accessFor, type Access } from '../auth/access';
import { setUpHttpApi } from '../http/http-api-setup';
import { aiStatusHttpController } from './ai-status.http.controller';
import { HealthHttpController, SERVICE_DEFINITION } from './health.http.controller';
import {
  CLOCK,
  EVENT_LOG,
  MODEL_CATALOG,
  systemClock,
  TELEMETRY_STORE,
  type Clock,
  type ServicePorts,
} from './ports';
import { ReadyGuard } from './ready.guard';
import { replayThenFollow } from './replay-then-follow';
import type { Follow, Resolve, ServiceDefinition, Share } from './service-definition';
import { ServiceReadiness } from './service-readiness';

/** How long a stopping service lets its requests under way finish before cutting them. */
const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningService {
  app: INestApplication;
  /** The HTTP base URL it listens on. */
  url: string;
  /** The definition's `stopping` first, then the subscriptions (each finishing and committing its batch). */
  close(): Promise<void>;
}

export type ServiceLogger = LoggerService | LogLevel[] | false;

/** A follow with the feed its broadcast subscription and its message controller share. */
interface FollowWithFeed {
  follow: Follow<unknown>;
  feed: symbol;
}

/**
 * The one way a Twinlog service starts, whatever it does: its module wired to the ports it
 * uses, the shared HTTP set-up and probes, its read models replayed then followed, its
 * consumer groups joined, then its own inputs. See ServiceDefinition for what each service says.
 * A start that fails stops what had started (the definition's `stopping`, then the app) and
 * rejects with the cause; it never ends the process.
 */
export async function startService(
  definition: ServiceDefinition,
  ports: ServicePorts,
  logger: ServiceLogger = ['log', 'warn', 'error'],
  clock: Clock = systemClock,
): Promise<RunningService> {
  const readiness = new ServiceReadiness();
  const access = accessFor(
    definition.http,
    ports.log,
    new Logger(`${pascal(definition.name)}Auth`),
  );
  const follows: FollowWithFeed[] = (definition.follows ?? []).map((follow) => ({
    follow: follow as Follow<unknown>,
    feed: Symbol(`${definition.name} ${follow.what} feed`),
  }));
  const app = await NestFactory.create(
    serviceModule(definition, ports, clock, readiness, follows, access),
    {
      logger,
      // Nest would otherwise end the process itself on a wiring error, before anything is closed.
      abortOnError: false,
      ...(definition.http.ownBodyParsing ? { bodyParser: false } : {}),
    },
  ).catch((error: unknown) => {
    access.stop();
    throw error;
  });
  const stop = async () => {
    access.stop();
    try {
      await definition.stopping?.(resolver(app));
    } finally {
      // Requests under way get a grace period to finish; then their connections are cut, so
      // that one waiting on something the shutdown stops (a peer replica, the log) cannot hold
      // the process open (its client sees the connection end: outcome unknown, send it again).
      const server = app.getHttpServer() as Server;
      const cut = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      cut.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
      }
    }
  };
  try {
    await run(app, definition, ports.log, readiness, follows, access);
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: stop };
}

async function run(
  app: INestApplication,
  definition: ServiceDefinition,
  log: ServicePorts['log'],
  readiness: ServiceReadiness,
  follows: FollowWithFeed[],
  access: Access,
): Promise<void> {
  const { http } = definition;
  setUpHttpApi(app, {
    timeouts: http.timeouts,
    allowedHosts: http.allowedHosts,
    ...(http.bodies ? { bodies: http.bodies } : {}),
    ...(http.retryAfterSeconds !== undefined ? { retryAfterSeconds: http.retryAfterSeconds } : {}),
  });
  access.install(app);
  const logger = new Logger(`${pascal(definition.name)}Service`);
  const get = resolver(app);
  // Every step is registered before the app listens, so the ready probe can never say yes early.
  const steps = [
    ...follows.map(({ follow, feed }) =>
      readiness.track(`replaying ${follow.streams.join(' and ')} into the ${follow.what}`, () =>
        replayThenFollow(app, log, follow, feed, logger),
      ),
    ),
    ...(definition.prepare ?? []).map((prepare) =>
      readiness.track(prepare.what, () => prepare.run(get)),
    ),
  ];
  const listen = () => app.listen(http.port, http.host);
  // Probes answer (live, not ready) during a long replay, unless nothing may be served before it.
  if (definition.listenWhenReady) await app.init();
  else await listen();
  // All steps end before a failure is reported: none may still be connecting to a closed app.
  const outcomes = await Promise.allSettled(steps.map((s) => s()));
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) throw failed.reason;
  for (const share of definition.shares ?? []) {
    app.connectMicroservice({ strategy: shareServer(log, share, get) });
  }
  await app.startAllMicroservices();
  if (definition.listenWhenReady) await listen();
  await definition.started?.(get);
  if (definition.readsTwinStreams) log.warmUp?.();
  // A ready probe that cannot answer would keep the service out of rotation for ever: fail now.
  definition.readyDetails?.(get);
}

function shareServer(log: ServicePorts['log'], share: Share, get: Resolve): EventLogServer {
  const onAssignment = share.onAssignment?.(get);
  return new EventLogServer({
    log,
    group: share.group,
    streams: share.streams,
    transportId: share.feed,
    ...(share.maxBatchSize ? { maxBatchSize: share.maxBatchSize } : {}),
    ...(share.concurrentPartitions ? { concurrentPartitions: share.concurrentPartitions } : {}),
    ...(share.fromBeginning === false ? { fromBeginning: false } : {}),
    ...(onAssignment ? { onAssignment } : {}),
  });
}

function serviceModule(
  definition: ServiceDefinition,
  ports: ServicePorts,
  clock: Clock,
  readiness: ServiceReadiness,
  follows: FollowWithFeed[],
  access: Access,
): DynamicModule {
  // A module class per service, named after it: Nest's own messages then say which service.
  @Module({})
  class ServiceModule {}
  Object.defineProperty(ServiceModule, 'name', { value: `${pascal(definition.name)}Module` });
  if (definition.usesStore && !ports.store) {
    throw new Error(
      `the ${definition.name} service needs the telemetry store, and none was opened`,
    );
  }
  if (definition.usesAi && !ports.ai) {
    throw new Error(`the ${definition.name} service needs the AI assistant, and none was opened`);
  }
  const portProviders: Provider[] = [
    { provide: EVENT_LOG, useValue: ports.log },
    { provide: MODEL_CATALOG, useValue: ports.catalog },
    { provide: CLOCK, useValue: clock },
    ...(definition.usesStore ? [{ provide: TELEMETRY_STORE, useValue: ports.store }] : []),
    ...(definition.usesAi ? [{ provide: AI_ASSISTANT, useValue: ports.ai }] : []),
  ];
  return {
    module: ServiceModule,
    controllers: [
      HealthHttpController,
      // Each AI service answers its own process's status: GET /v1/ai/<name> (docs/ai.md).
      ...(definition.usesAi ? [aiStatusHttpController(definition.name)] : []),
      ...definition.controllers,
      ...follows.map(({ follow, feed }) => eventFeedController(follow.model, feed, follow.fold)),
    ],
    providers: [
      ...portProviders,
      { provide: ServiceReadiness, useValue: readiness },
      { provide: SERVICE_DEFINITION, useValue: definition },
      // Roles first: a caller without the role hears 403 whether or not the service is ready.
      ...access.providers,
      ...(definition.refuseUntilReady ? [{ provide: APP_GUARD, useClass: ReadyGuard }] : []),
      ...definition.providers,
    ],
  };
}

function resolver(app: INestApplication): Resolve {
  return (token) => app.get(token);
}

function pascal(name: string): string {
  return name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
}
