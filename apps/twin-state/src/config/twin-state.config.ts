import { z } from 'zod';
import {
  AllowedHosts,
  hostNameOf,
  ConfigError,
  intFrom,
  type Env,
  readServiceSettings,
} from '@twinlog/service-kit';

/** Every setting of the twin-state service, with its default and why. */
const schema = z.object({
  // Loopback: wider (0.0.0.0 in a container) only where the deployment says so.
  TWIN_STATE_HTTP_HOST: z.string().default('127.0.0.1'),
  TWIN_STATE_HTTP_PORT: intFrom(0, 8082),
  // Snapshots bound the start-up replay: taken after this many events or this long, whichever first.
  TWIN_STATE_SNAPSHOT_EVERY_EVENTS: intFrom(1, 50_000),
  TWIN_STATE_SNAPSHOT_INTERVAL_MS: intFrom(1_000, 60_000),
  // Plant clocks drift: maintenance or commissioning times up to this far ahead are believed.
  TWIN_STATE_MAX_FUTURE_SKEW_MS: intFrom(0, 5 * 60_000),
  // The largest page of an audit trail.
  TWIN_STATE_MAX_PAGE: intFrom(1, 1_000),
  // The live stream (docs/services/stream.md). A comment line this often keeps proxies from
  // closing an idle stream (most close after 30-60 s of silence).
  TWIN_STATE_STREAM_HEARTBEAT_MS: intFrom(100, 15_000),
  // Recent messages kept in memory for every client to resume from without reading the log:
  // at 10,000 readings/s in events of 10 readings, 20 s, about 4 KB each (80 MB).
  TWIN_STATE_STREAM_WINDOW: intFrom(100, 20_000),
  // What one client may have queued, unsent, before it is told it fell behind and is closed.
  TWIN_STATE_STREAM_CLIENT_MAX_BYTES: intFrom(16 * 1024, 1024 * 1024),
  // Streams open at once; one more is refused with 503 (each holds a socket and a queue).
  TWIN_STATE_STREAM_MAX_CLIENTS: intFrom(1, 5_000),
  // Resumes from before the window read the log (in Kafka mode each with a consumer group of
  // its own): at most this many at once; others wait up to 2 s, then 503 STREAM_BUSY.
  TWIN_STATE_STREAM_MAX_CATCHUPS: intFrom(1, 4),
  // Series × windows one telemetry read may walk (a roll-up: each member's series of each
  // property): 200,000 took about 0.8 s and 30 MB embedded; 400 million would take minutes and
  // gigabytes. At least 20,000, so that 20 properties of one twin get 1,000 windows each.
  TWIN_STATE_TELEMETRY_READ_BUDGET: intFrom(20_000, 200_000),
  // Process twins' key figures (OEE...) appended as their readings (ADR 0021): on the one
  // instance that takes commands; off on instances that only answer queries.
  TWIN_STATE_PROCESS_KPIS: z.enum(['on', 'off']).default('on'),
  // Replicas that share the partitions (ADR 0023, docs/services/twin-state.md "Replicas"): off,
  // one instance holds every twin (the embedded mode always). On needs the Kafka log, and the URL
  // the other replicas reach this one at (a pod's IP and port, not a Service's name).
  TWIN_STATE_REPLICAS: z.enum(['one', 'shared']).default('one'),
  TWIN_STATE_ADVERTISED_URL: z
    .url({ protocol: /^https?$/, error: 'an http(s) URL the other replicas can reach' })
    .optional(),
  // How long a command or read waits for its twin's partition to settle before 503 PARTITION_MOVING.
  TWIN_STATE_HANDOVER_WAIT_MS: intFrom(0, 2_000),
  // The embedded mode's raw telemetry log keeps this many days whole (docs/adr/0024); `forever`
  // keeps all of it. At least a day: the anomaly and process-figure windows replay from it.
  TWINLOG_TELEMETRY_LOG_RETENTION_DAYS: z
    .string()
    .default('7')
    .transform((text, ctx) => {
      if (text.trim() === 'forever') return null;
      const days = Number(text);
      if (Number.isFinite(days) && days >= 1 && days <= 36_500) return days;
      ctx.addIssue({ code: 'custom', message: 'a number of days from 1 to 36500, or forever' });
      return z.NEVER;
    }),
  // The youngest cutoff a retention run may take, asked for or not: the process figures and live
  // stream clients read this far back in the log (tests set 0).
  TWIN_STATE_RETENTION_MIN_AGE_HOURS: z.coerce
    .number({ error: 'a number of hours' })
    .min(0)
    .max(24 * 36_500)
    .default(24),
  // The embedded data directory's size cap: a warning from 80% of it; over it, the raw telemetry
  // log is cut to its last day. 0: no cap.
  TWINLOG_STORAGE_CAP_GB: z.coerce
    .number({ error: 'a number of gigabytes (0: no cap)' })
    .min(0)
    .max(1_000_000)
    .default(50),
});

export type TwinStateConfig = ReturnType<typeof readTwinStateConfig>;

export function readTwinStateConfig(env: Env) {
  const [service, raw] = readServiceSettings(env, schema);
  if (raw.TWIN_STATE_REPLICAS === 'shared' && !raw.TWIN_STATE_ADVERTISED_URL)
    throw new ConfigError([
      'TWIN_STATE_ADVERTISED_URL="": TWIN_STATE_REPLICAS=shared needs the URL the other replicas reach this one at (for example http://$(POD_IP):8082)',
    ]);
  return {
    service,
    http: {
      host: raw.TWIN_STATE_HTTP_HOST,
      // The other replicas call this one by its advertised address (shared replicas).
      allowedHosts: AllowedHosts.of(
        [
          ...service.allowedHosts,
          ...(raw.TWIN_STATE_ADVERTISED_URL
            ? [hostNameOf(new URL(raw.TWIN_STATE_ADVERTISED_URL).host) ?? '']
            : []),
        ],
        raw.TWIN_STATE_HTTP_HOST,
      ),
      port: raw.TWIN_STATE_HTTP_PORT,
    },
    snapshots: {
      everyEvents: raw.TWIN_STATE_SNAPSHOT_EVERY_EVENTS,
      intervalMs: raw.TWIN_STATE_SNAPSHOT_INTERVAL_MS,
    },
    storage: {
      telemetryLogRetentionDays: raw.TWINLOG_TELEMETRY_LOG_RETENTION_DAYS,
      capBytes: Math.round(raw.TWINLOG_STORAGE_CAP_GB * 1e9),
      minAgeMs: Math.round(raw.TWIN_STATE_RETENTION_MIN_AGE_HOURS * 3_600_000),
    },
    maxFutureSkewMs: raw.TWIN_STATE_MAX_FUTURE_SKEW_MS,
    maxPage: raw.TWIN_STATE_MAX_PAGE,
    telemetryReadBudget: raw.TWIN_STATE_TELEMETRY_READ_BUDGET,
    processKpis: raw.TWIN_STATE_PROCESS_KPIS === 'on',
    replicas:
      raw.TWIN_STATE_REPLICAS === 'shared'
        ? {
            shared: true as const,
            url: raw.TWIN_STATE_ADVERTISED_URL!.replace(/\/+$/, ''),
            handoverWaitMs: raw.TWIN_STATE_HANDOVER_WAIT_MS,
          }
        : { shared: false as const, handoverWaitMs: raw.TWIN_STATE_HANDOVER_WAIT_MS },
    stream: {
      heartbeatMs: raw.TWIN_STATE_STREAM_HEARTBEAT_MS,
      window: raw.TWIN_STATE_STREAM_WINDOW,
      clientMaxBytes: raw.TWIN_STATE_STREAM_CLIENT_MAX_BYTES,
      maxClients: raw.TWIN_STATE_STREAM_MAX_CLIENTS,
      maxCatchUps: raw.TWIN_STATE_STREAM_MAX_CATCHUPS,
    },
  };
}
