import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { setUpHttpApi, type Infrastructure } from '@twinlog/service-kit';
import type { SimulationConfig } from './config/simulation.config';
import { SimulationJobs } from './jobs/simulation-jobs';
import { SimulationModule } from './simulation.module';

export interface RunningSimulation {
  app: INestApplication;
  url: string;
  /** Cancels running jobs (each records its cancellation), then closes the app. */
  close(): Promise<void>;
}

/** Starts the simulation service: HTTP only; it reads the log and the store, and appends runs. */
export async function startSimulation(
  config: SimulationConfig,
  infra: Infrastructure,
  logger: LoggerService | LogLevel[] | false = ['log', 'warn', 'error'],
): Promise<RunningSimulation> {
  const app = await NestFactory.create(SimulationModule.register(config, infra), { logger });
  setUpHttpApi(app, { timeouts: config.service.http });
  await app.listen(config.http.port, config.http.host);
  // Runs read single twins' twin-events: have the Kafka adapter's index catch up from the start.
  infra.log.warmUp?.();
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const jobs = app.get(SimulationJobs);
      jobs.cancelAll();
      for (let i = 0; i < 100 && jobs.running() > 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      await app.close();
    },
  };
}
