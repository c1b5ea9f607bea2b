import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { AllowedHosts, intFrom, type Env, readServiceSettings } from '@twinlog/service-kit';
import { SIMULATION_LIMIT_DEFAULTS as DEFAULTS } from '@twinlog/domain';
import type { ScenarioLimits } from '@twinlog/physics';

/** Every setting of the simulation service, with its default and why. */
const schema = z.object({
  // Loopback: wider (0.0.0.0 in a container) only where the deployment says so.
  SIMULATION_HTTP_HOST: z.string().default('127.0.0.1'),
  SIMULATION_HTTP_PORT: intFrom(0, 8084),
  // Ten years: the model's parameters (tool life in hours, a thermal time constant of minutes)
  // say nothing useful beyond that, and the integrator needs about a step per hour of horizon.
  SIMULATION_MAX_HORIZON_S: intFrom(1, DEFAULTS.maxHorizonSeconds),
  // A day at one-second steps; longer runs are better asked at a coarser step.
  SIMULATION_MAX_STEPS: intFrom(1, DEFAULTS.maxSteps),
  SIMULATION_MAX_SAMPLES: intFrom(1, DEFAULTS.maxSamples),
  // Monte Carlo keeps samples × points × 5 properties as 4-byte floats: 5,000,000 is ~100 MB.
  SIMULATION_MAX_WORK: intFrom(1, DEFAULTS.maxWork),
  // Runs with more points × samples than this answer 202 and run as a job (about a second).
  SIMULATION_SYNC_MAX_WORK: intFrom(0, 500_000),
  // Calibration fits the readings of this window before the start (6 h: several thermal time
  // constants and a few tool lives), up to the maximum a scenario may ask for.
  SIMULATION_CALIBRATION_WINDOW_S: intFrom(0, 6 * 3600),
  SIMULATION_MAX_CALIBRATION_WINDOW_S: intFrom(0, 48 * 3600),
  // A property silent for longer than this before the start starts from the model's fallback.
  SIMULATION_START_LOOKBACK_S: intFrom(0, 24 * 3600),
  // Integration steps one run may take over its nominal run, advice probes and Monte Carlo
  // samples (about 20 s of a core); a run needing more answers 422 SIMULATION_TOO_COSTLY.
  SIMULATION_MAX_INTEGRATOR_STEPS: intFrom(1, 20_000_000),
  // Worker threads computing runs (ADR 0012): the request thread only routes. One core is left
  // to the event loop and the other services of the process.
  SIMULATION_WORKERS: intFrom(1, Math.max(1, availableParallelism() - 1)),
  // Runs waiting for a worker; beyond that a run answers 503 SIMULATION_BUSY with Retry-After.
  SIMULATION_MAX_QUEUED: intFrom(0, 16),
  // A safety net: a run still computing after this long is stopped (422 SIMULATION_TOO_COSTLY).
  SIMULATION_RUN_DEADLINE_S: intFrom(1, 120),
  // Finished jobs (with their results) are kept this long for GET, and at most this many.
  SIMULATION_JOB_TTL_S: intFrom(1, 3600),
  SIMULATION_MAX_KEPT_JOBS: intFrom(1, 200),
});

export type SimulationConfig = ReturnType<typeof readSimulationConfig>;

export function readSimulationConfig(env: Env) {
  const [service, raw] = readServiceSettings(env, schema);
  const limits: ScenarioLimits = {
    maxHorizonSeconds: raw.SIMULATION_MAX_HORIZON_S,
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
    http: {
      host: raw.SIMULATION_HTTP_HOST,
      allowedHosts: AllowedHosts.of(service.allowedHosts, raw.SIMULATION_HTTP_HOST),
      port: raw.SIMULATION_HTTP_PORT,
    },
    limits,
    syncMaxWork: raw.SIMULATION_SYNC_MAX_WORK,
    startLookbackSeconds: raw.SIMULATION_START_LOOKBACK_S,
    maxIntegratorSteps: raw.SIMULATION_MAX_INTEGRATOR_STEPS,
    pool: {
      workers: raw.SIMULATION_WORKERS,
      maxQueued: raw.SIMULATION_MAX_QUEUED,
      deadlineMs: raw.SIMULATION_RUN_DEADLINE_S * 1000,
    },
    jobs: {
      ttlMs: raw.SIMULATION_JOB_TTL_S * 1000,
      maxKept: raw.SIMULATION_MAX_KEPT_JOBS,
    },
  };
}
