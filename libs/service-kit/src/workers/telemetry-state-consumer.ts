import type { LoggerService } from '@nestjs/common';
import { StatefulStreamConsumer, type EventLog, type PartitionedState } from '@twinlog/event-log';

/**
 * The telemetry consumer of a worker whose state is rebuilt from its partitions (anomaly
 * detection, maintenance prediction), logging each rebuild and a long rebuild's progress in the
 * words of `what` it rebuilds ("detector state", "health models").
 */
export function telemetryStateConsumer(
  log: EventLog,
  state: PartitionedState,
  logger: Pick<LoggerService, 'log'>,
  what: string,
): StatefulStreamConsumer {
  return new StatefulStreamConsumer(
    log,
    'telemetry',
    state,
    (r) =>
      logger.log(
        `telemetry partition ${r.partition}: ${what} rebuilt from offsets ${r.from}-${r.upTo - 1} (${r.events} events in ${r.ms} ms)`,
      ),
    (r) =>
      logger.log(
        `telemetry partition ${r.partition}: rebuilding ${what}, ${r.events}${r.total ? ` of ${r.total}` : ''} events replayed in ${Math.round(r.ms / 1000)} s`,
      ),
  );
}
