import type { INestApplication, LoggerService } from '@nestjs/common';
import type { EventLog, LogPosition } from '@twinlog/event-log';
import { EventLogServer } from '@twinlog/nest-transport';
import type { Follow } from './service-definition';

/** How often a long replay reports how far it is. */
const PROGRESS_EVERY_MS = 10_000;

/**
 * The one "replay, then follow" of every service: the model restores what it saved (if it
 * saves anything), the log is replayed into it up to the end, and a broadcast subscription then
 * follows the streams from exactly where the replay ended, so nothing falls between the two.
 * Returns once the model is caught up; its feed starts with the app's other subscriptions.
 */
export async function replayThenFollow<T>(
  app: INestApplication,
  log: EventLog,
  follow: Follow<T>,
  feed: symbol,
  logger: Pick<LoggerService, 'log'>,
): Promise<void> {
  const started = Date.now();
  const model = app.get<T>(follow.model);
  const from = await follow.restore?.(model);
  let reported = started;
  const { next, events } = await log.replay(
    {
      streams: follow.streams,
      ...(from ? { from: { kind: 'positions' as const, positions: from } } : {}),
      onProgress: (p) => {
        if (Date.now() - reported < PROGRESS_EVERY_MS) return;
        reported = Date.now();
        logger.log(
          `${follow.what}: replaying, ${p.events}${p.total ? ` of ${p.total}` : ''} events in ${Math.round((reported - started) / 1000)} s`,
        );
      },
    },
    async (batch) => follow.fold(model, batch),
  );
  follow.caughtUp?.(model, next);
  const summary = follow.summary?.(model, events) ?? `${events} events`;
  logger.log(`${follow.what} ready: ${summary} in ${Date.now() - started} ms`);
  app.connectMicroservice({ strategy: followServer(log, follow, next, feed) });
}

function followServer<T>(
  log: EventLog,
  follow: Follow<T>,
  startAt: LogPosition[],
  feed: symbol,
): EventLogServer {
  return new EventLogServer({
    log,
    group: follow.group,
    streams: follow.streams,
    broadcast: true,
    startAt,
    ...(follow.maxBatchSize ? { maxBatchSize: follow.maxBatchSize } : {}),
    transportId: feed,
  });
}
