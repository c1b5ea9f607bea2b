import { z } from 'zod';
import { DEFAULT_BAND_CALIBRATION, type BandCalibration } from '@twinlog/analytics';
import { AllowedHosts, intFrom, type Env, readServiceSettings } from '@twinlog/service-kit';

const { low, mid, high } = DEFAULT_BAND_CALIBRATION;
/** Three increasing normal scores, "low,mid,high": where past truths fell in the model's own distribution. */
const bandScores = z
  .string()
  .default(`${low},${mid},${high}`)
  .transform((text) => text.split(',').map((x) => Number(x.trim())))
  .refine(
    (xs) => xs.length === 3 && xs.every(Number.isFinite) && xs[0]! < xs[1]! && xs[1]! < xs[2]!,
    'three increasing numbers "low,mid,high", for example "-2.32,0,2.32"',
  );

/** Every setting of the maintenance service, with its default and why. */
const schema = z.object({
  // Loopback: wider (0.0.0.0 in a container) only where the deployment says so.
  MAINTENANCE_HTTP_HOST: z.string().default('127.0.0.1'),
  MAINTENANCE_HTTP_PORT: intFrom(0, 8085),
  // Workers of one group share the telemetry partitions; a second deployment (a shadow with
  // new settings) takes a group of its own, and its own prediction ids would then collide: don't.
  MAINTENANCE_GROUP: z.string().min(1).default('maintenance'),
  // A twin gets at most one prediction per this much event time (sooner when a level enters a
  // worse band or maintenance reset it): a trend does not change between two readings.
  MAINTENANCE_CHECKPOINT_SECONDS: intFrom(1, 300),
  // Remaining lives past this are reported as this, flagged beyond the horizon.
  MAINTENANCE_HORIZON_HOURS: intFrom(1, 24 * 365),
  // Readings per batch: larger batches amortise the append of the predictions.
  MAINTENANCE_MAX_BATCH: intFrom(1, 2_000),
  // A reading can arrive before the broadcast feed delivered its twin's registration.
  MAINTENANCE_DIRECTORY_WAIT_MS: intFrom(0, 5_000),
  // The longest page of a twin's prediction history.
  MAINTENANCE_MAX_PAGE: intFrom(1, 1_000),
  // The RUL band's calibration (docs/analytics/rul.md): the default is learned on the IMS
  // bearings, centred; a fleet with run-to-failure histories of its own learns its own.
  MAINTENANCE_BAND_SCORES: bandScores,
});

export type MaintenanceConfig = ReturnType<typeof readMaintenanceConfig>;

export function readMaintenanceConfig(env: Env) {
  const [service, raw] = readServiceSettings(env, schema);
  return {
    service,
    http: {
      host: raw.MAINTENANCE_HTTP_HOST,
      allowedHosts: AllowedHosts.of(service.allowedHosts, raw.MAINTENANCE_HTTP_HOST),
      port: raw.MAINTENANCE_HTTP_PORT,
    },
    group: raw.MAINTENANCE_GROUP,
    checkpointSeconds: raw.MAINTENANCE_CHECKPOINT_SECONDS,
    horizonHours: raw.MAINTENANCE_HORIZON_HOURS,
    maxBatch: raw.MAINTENANCE_MAX_BATCH,
    directoryWaitMs: raw.MAINTENANCE_DIRECTORY_WAIT_MS,
    maxPage: raw.MAINTENANCE_MAX_PAGE,
    band: bandOf(raw.MAINTENANCE_BAND_SCORES),
  };
}

function bandOf(scores: number[]): BandCalibration {
  const [l, m, h] = scores as [number, number, number];
  const shipped = l === low && m === mid && h === high;
  return shipped
    ? DEFAULT_BAND_CALIBRATION
    : { low: l, mid: m, high: h, source: 'MAINTENANCE_BAND_SCORES' };
}
