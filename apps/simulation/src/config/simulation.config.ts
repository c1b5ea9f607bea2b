import { z } from 'zod';
import { intFrom, type Env, readServiceSettings } from '@twinlog/service-kit';
import type { ScenarioLimits } from '@twinlog/physics';

/** Every setting of the simulation service, with its default and why. */
const schema = z.object({
  SIMULATION_HTTP_HOST: z.string().default('0.0.0.0'),
  SIMULATION_HTTP_PORT: intFrom(0, 8084),
  // A day at one-second steps; longer runs are better asked at a coarser step.
  SIMULATION_MAX_STEPS: intFrom(1, 100_000),
  SIMULATION_MAX_SAMPLES: intFrom(1, 10_000),
  // Monte Carlo keeps samples × points × 5 properties as 4-byte floats: 5,000,000 is ~100 MB.
  SIMULATION_MAX_WORK: intFrom(1, 5_000_000),
  // Runs with more points × samples than this answer 202 and run as a job (about a second).
  SIMULATION_SYNC_MAX_WORK: intFrom(0, 500_000),
  // Calibration fits the readings of this window before the start (6 h: several thermal time
  // constants and a few tool lives), up to the maximum a scenario may ask for.
  SIMULATION_CALIBRATION_WINDOW_S: intFrom(0, 6 * 3600),
  SIMULATION_MAX_CALIBRATION_WINDOW_S: intFrom(0, 48 * 3600),
  // A property silent for longer than this before the start starts from the model's fallback.
  SIMULATION_START_LOOKBACK_S: intFrom(0, 24 * 3600),
  // Runs computing at once (each holds a core in turns); more answer 503 with Retry-After.
  SIMULATION_MAX_RUNNING: intFrom(1, 4),
  // Finished jobs (with their results) are kept this long for GET, and at most this many.
  SIMULATION_JOB_TTL_S: intFrom(1, 3600),
  SIMULATION_MAX_KEPT_JOBS: intFrom(1, 200),
  // A run computes for this long before it lets other requests in (and checks for cancel).
  SIMULATION_SLICE_MS: intFrom(1, 20),
});

export type SimulationConfig = ReturnType<typeof readSimulationConfig>;

export function readSimulationConfig(env: Env) {
  const [service, raw] = readServiceSettings(env, schema);
  const limits: ScenarioLimits = {
    maxSteps: raw.SIMULATION_MAX_STEPS,
    maxSamples: raw.SIMULATION_MAX_SAMPLES,
    maxWork: raw.SIMULATION_MAX_WORK,
    defaultCalibrationWindowSeconds: Math.min(
      raw.SIMULATION_CALIBRATION_WINDOW_S,
      raw.SIMULATION_MAX_CALIBRATION_WINDOW_S,
    ),
    maxCalibrationWindowSeconds: raw.SIMULATION_MAX_CALIBRATION_WINDOW_S,
  };
  return {
    service,
    http: { host: raw.SIMULATION_HTTP_HOST, port: raw.SIMULATION_HTTP_PORT },
    limits,
    syncMaxWork: raw.SIMULATION_SYNC_MAX_WORK,
    startLookbackSeconds: raw.SIMULATION_START_LOOKBACK_S,
    jobs: {
      maxRunning: raw.SIMULATION_MAX_RUNNING,
      ttlMs: raw.SIMULATION_JOB_TTL_S * 1000,
      maxKept: raw.SIMULATION_MAX_KEPT_JOBS,
      sliceMs: raw.SIMULATION_SLICE_MS,
    },
  };
}
