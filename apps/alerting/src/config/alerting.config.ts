import { z } from 'zod';
import {
  AllowedHosts,
  collectProblems,
  ConfigError,
  intFrom,
  readServiceSettings,
  type Env,
} from '@twinlog/service-kit';
import { readDeliverySettings } from '../delivery/delivery.config';

/** Every setting of the alerting service, with its default and why (docs/services/alerting.md). */
const schema = z.object({
  // Loopback: wider (0.0.0.0 in a container) only where the deployment says so.
  ALERTING_HTTP_HOST: z.string().default('127.0.0.1'),
  ALERTING_HTTP_PORT: intFrom(0, 8086),
  // Names its consumer groups: <group>-causes (twin-events, committed) and <group>-silence
  // (telemetry, committed); the broadcast feeds are named after it too. One replica decides.
  ALERTING_GROUP: z.string().min(1).default('alerting'),
  // How often due work is looked at (escalations, silent twins, group-update holds, retries):
  // a second is finer than any of their settings and costs nothing when nothing is due.
  ALERTING_TICK_MS: intFrom(50, 1_000, 60_000),
  // Later members of a grouped alert are announced at most once per this, in one notification:
  // a line-wide fault is one alert and at most two messages per channel.
  ALERTING_GROUP_UPDATE_SECONDS: intFrom(0, 60),
  // A cause that comes back within this of its alert resolving reopens it, without notifying.
  ALERTING_FLAP_HOLD_SECONDS: intFrom(0, 600),
  // A remaining-life P10 under this many hours opens an alarm (critical when the prediction's
  // priority is: the planner weighs the P10 against the job, so a tool is not paged by the hour).
  ALERTING_RUL_P10_HOURS: intFrom(1, 72),
  // A health index (0-100) under this opens a warning.
  ALERTING_HEALTH_INDEX_BELOW: intFrom(0, 30, 100),
  // A twin that has reported and then sends nothing for this long opens a silence alert.
  ALERTING_SILENT_AFTER_SECONDS: intFrom(1, 300),
  // Retries of a failed delivery: base × 2^(attempt-1), capped, with full jitter, for this long
  // since it was queued; then the delivery is dead (and can be redelivered by hand).
  ALERTING_RETRY_BASE_SECONDS: intFrom(1, 2),
  ALERTING_RETRY_MAX_SECONDS: intFrom(1, 300),
  ALERTING_RETRY_FOR_SECONDS: intFrom(1, 86_400),
  // ALERTING_DELIVERY_CONCURRENCY, ALERTING_DELIVERY_TIMEOUT_MS, ALERTING_SMTP_FROM, and the
  // secrets ALERTING_SECRET_KEY and ALERTING_SMTP_URL (or their _FILE): readDeliverySettings.

  // Causes (twin-events) per batch: each batch's decisions are appended before it is committed.
  ALERTING_MAX_BATCH: intFrom(1, 500),
  // A cause can arrive before the broadcast feed delivered its twin's registration.
  ALERTING_DIRECTORY_WAIT_MS: intFrom(0, 5_000),
  // The embedded demo sets `on`: a rule sending every warning and above to every channel, set
  // once when no rule was ever set. Off by default: an installation chooses its own rules.
  ALERTING_DEFAULT_RULE: z.enum(['on', 'off']).default('off'),
});

export type AlertingConfig = ReturnType<typeof readAlertingConfig>;

export function readAlertingConfig(env: Env) {
  const [[service, raw], delivery] = collectProblems(
    () => readServiceSettings(env, schema),
    () => readDeliverySettings(env),
  );
  const problems: string[] = [];
  if (raw.ALERTING_RETRY_MAX_SECONDS < raw.ALERTING_RETRY_BASE_SECONDS)
    problems.push(
      `ALERTING_RETRY_MAX_SECONDS=${raw.ALERTING_RETRY_MAX_SECONDS}: must be at least ALERTING_RETRY_BASE_SECONDS (${raw.ALERTING_RETRY_BASE_SECONDS})`,
    );
  if (problems.length > 0) throw new ConfigError(problems);
  const group = raw.ALERTING_GROUP;
  return {
    service,
    http: {
      host: raw.ALERTING_HTTP_HOST,
      allowedHosts: AllowedHosts.of(service.allowedHosts, raw.ALERTING_HTTP_HOST),
      port: raw.ALERTING_HTTP_PORT,
    },
    groups: {
      causes: `${group}-causes`,
      silence: `${group}-silence`,
      twins: `${group}-twins`,
      alerts: `${group}-alerts`,
    },
    tickMs: raw.ALERTING_TICK_MS,
    settings: {
      groupUpdateSeconds: raw.ALERTING_GROUP_UPDATE_SECONDS,
      flapHoldSeconds: raw.ALERTING_FLAP_HOLD_SECONDS,
      rulP10Hours: raw.ALERTING_RUL_P10_HOURS,
      healthIndexBelow: raw.ALERTING_HEALTH_INDEX_BELOW,
      silentAfterSeconds: raw.ALERTING_SILENT_AFTER_SECONDS,
      retryBaseSeconds: raw.ALERTING_RETRY_BASE_SECONDS,
      retryMaxSeconds: raw.ALERTING_RETRY_MAX_SECONDS,
      retryForSeconds: raw.ALERTING_RETRY_FOR_SECONDS,
    },
    /** Concurrency, timeout, SMTP and the configured sealing key (a Buffer, or undefined). */
    delivery,
    maxBatch: raw.ALERTING_MAX_BATCH,
    directoryWaitMs: raw.ALERTING_DIRECTORY_WAIT_MS,
    defaultRule: raw.ALERTING_DEFAULT_RULE === 'on',
  };
}
