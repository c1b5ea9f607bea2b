import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventLogServer } from '@twinlog/nest-transport';
import { setUpHttpApi, type Infrastructure } from '@twinlog/service-kit';
import type { TwinStateConfig } from './config/twin-state.config';
import { LiveTwins } from './state/live-twins';
import { SnapshotWriter } from './state/snapshot-writer';
import { TwinStateModule } from './twin-state.module';
import { LIVE_FEED } from './tokens';

export interface RunningTwinState {
  app: INestApplication;
  url: string;
  /** Writes a last snapshot, stops the live feed, closes the app. */
  close(): Promise<void>;
}

/**
 * Starts twin-state: rebuilds the state from snapshots and the log (readiness waits for it),
 * then follows the log from where the rebuild ended, and serves commands and queries.
 */
export async function startTwinState(
  config: TwinStateConfig,
  infra: Infrastructure,
  logger: LoggerService | LogLevel[] | false = ['log', 'warn', 'error'],
): Promise<RunningTwinState> {
  const app = await NestFactory.create(TwinStateModule.register(config, infra), { logger });
  setUpHttpApi(app, { timeouts: config.service.http });
  // Listen first: probes answer (live, not ready) during a long rebuild; commands and queries
  // get 503 NOT_READY until it is done.
  await app.listen(config.http.port, config.http.host);
  const startAt = await app.get(LiveTwins).rebuild();
  app.connectMicroservice({
    strategy: new EventLogServer({
      log: infra.log,
      group: 'twin-state-live',
      streams: ['twin-events', 'telemetry'],
      broadcast: true,
      startAt,
      maxBatchSize: 5_000,
      transportId: LIVE_FEED,
    }),
  });
  await app.startAllMicroservices();
  const snapshots = app.get(SnapshotWriter);
  snapshots.start();
  // Time travel and the audit trail read single twins: prepare that now that the state is ready.
  infra.log.warmUp?.();
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await snapshots.snapshot();
      await app.close();
    },
  };
}
