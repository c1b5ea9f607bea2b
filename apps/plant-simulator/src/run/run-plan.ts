import {
  defaultPlantStart,
  faultTimeline,
  MACHINE_SENSORS,
  PlantSimError,
  PlantSimulation,
  plantLayout,
  replaySample,
  type PlantSample,
  type TwinRegistration,
} from '@twinlog/plant-sim';
import { DEFAULTS, type ReplaySourceOptions, type SimulatorOptions } from './simulator-options';

/** Where samples come from, in plant-time order. */
export interface SampleSource {
  /** Plant time of the next sample, or undefined when there are no more. */
  peek(): number | undefined;
  take(): PlantSample;
}

export interface RunPlan {
  source: SampleSource;
  registrations: TwinRegistration[];
  site: string;
  speed: number;
  plantStartMs: number;
  /** Plant time between samples (the synthetic plant), or undefined (a replay: the file's). */
  intervalMs?: number;
  describe: string;
}

const MIN_INTERVAL_MS = 10;
const MAX_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;

/** Turns the options into a source and a pace; bad combinations are PlantSimError OPTIONS_INVALID. */
export function planRun(options: SimulatorOptions, wallNowMs: number): RunPlan {
  if (options.plant && options.replay) invalid('Give a plant or a replay, not both');
  if (options.rate !== undefined && !(options.rate > 0)) invalid('rate must be above 0');
  return options.replay
    ? planReplay(options, options.replay, wallNowMs)
    : planPlant(options, wallNowMs);
}

function planPlant(options: SimulatorOptions, wallNowMs: number): RunPlan {
  const plant = options.plant ?? {};
  const machines = plant.machines ?? DEFAULTS.machines;
  const site = plant.site ?? DEFAULTS.site;
  const speed = options.speed ?? 1;
  const perSample = machines * MACHINE_SENSORS.length;
  if (options.rate !== undefined && options.intervalMs !== undefined) {
    invalid('Give rate or interval, not both: the rate sets the interval');
  }
  const intervalMs =
    options.rate !== undefined
      ? (perSample * speed * 1000) / options.rate
      : (options.intervalMs ?? DEFAULTS.intervalMs);
  if (!(intervalMs >= MIN_INTERVAL_MS && intervalMs <= MAX_INTERVAL_MS)) {
    const lo = (perSample * speed * 1000) / MAX_INTERVAL_MS;
    const hi = (perSample * speed * 1000) / MIN_INTERVAL_MS;
    invalid(
      `A sample every ${(intervalMs / 1000).toPrecision(3)} s of plant time is outside 0.01-60 s` +
        (options.rate !== undefined
          ? `: ${machines} machines give ${perSample} readings per sample, so at speed ${speed} choose a rate from ${fmt(lo)} to ${fmt(hi)} readings/s`
          : ''),
    );
  }
  const plantStartMs =
    options.startMs ??
    defaultPlantStart(wallNowMs, speed, options.durationMs ?? DEFAULTS.catchUpMs);
  const layout = plantLayout(machines, site);
  const sim = new PlantSimulation({
    machines,
    seed: plant.seed ?? DEFAULTS.seed,
    startMs: plantStartMs,
    site,
    faults: plant.faults ?? faultTimeline(plant.timeline ?? DEFAULTS.timeline, layout),
    ...(plant.physics ? { physics: plant.physics } : {}),
  });
  let k = 0;
  const timeOf = (i: number) => Math.round(plantStartMs + i * intervalMs);
  return {
    source: { peek: () => timeOf(k), take: () => sim.sample(timeOf(k++)) },
    registrations: sim.registrations(),
    site,
    speed,
    plantStartMs,
    intervalMs,
    describe:
      `a line of ${machines} CNC machines (seed ${plant.seed ?? DEFAULTS.seed}, ` +
      `${plant.faults ? `${plant.faults.length} faults` : `timeline ${plant.timeline ?? DEFAULTS.timeline}`}), ` +
      `a sample every ${fmt(intervalMs / 1000)} s of plant time (${perSample} readings)`,
  };
}

function planReplay(
  options: SimulatorOptions,
  replayOptions: ReplaySourceOptions,
  wallNowMs: number,
): RunPlan {
  const { replay } = replayOptions;
  if (options.intervalMs !== undefined) invalid('A replay takes its interval from the file');
  if (options.rate !== undefined && options.speed !== undefined) {
    invalid('Give rate or speed for a replay, not both: the rate sets the speed');
  }
  const spanMs = replay.lastMs - replay.firstMs;
  const speed =
    options.rate !== undefined && spanMs > 0 && replay.readings > 0
      ? options.rate / (replay.readings / (spanMs / 1000))
      : (options.speed ?? 1);
  const plantStartMs = replayOptions.keepTime
    ? replay.firstMs
    : (options.startMs ??
      defaultPlantStart(wallNowMs, speed, options.durationMs ?? spanMs / speed));
  const shift = plantStartMs - replay.firstMs;
  const site = replayOptions.site ?? DEFAULTS.site;
  let k = 0;
  return {
    source: {
      peek: () => (k < replay.rows.length ? replay.rows[k]!.atMs + shift : undefined),
      take: () => replaySample(replay.rows[k++]!, shift),
    },
    registrations: options.register ? replayRegistrations(replayOptions, plantStartMs, site) : [],
    site,
    speed,
    plantStartMs,
    describe:
      `${replay.rows.length} rows (${replay.readings} readings over ${fmt(spanMs / 1000)} s) ` +
      `for ${replay.twins.join(', ')}${replay.skippedCells ? `, ${replay.skippedCells} empty cells left out` : ''}`,
  };
}

function replayRegistrations(
  options: ReplaySourceOptions,
  plantStartMs: number,
  site: string,
): TwinRegistration[] {
  const types = options.twinTypes ?? {};
  const missing = options.replay.twins.filter((t) => !types[t] && !types['*']);
  if (missing.length > 0) {
    invalid(
      `To register ${missing.join(', ')}, say its type: --twin-type TYPE or --twin-type ID=TYPE`,
    );
  }
  const commissionedAt = new Date(plantStartMs - DAY_MS).toISOString();
  return options.replay.twins.map((twinId) => ({
    twinId,
    twinType: types[twinId] ?? types['*']!,
    site,
    name: `${twinId} (replayed)`,
    commissionedAt,
  }));
}

function invalid(message: string): never {
  throw new PlantSimError('OPTIONS_INVALID', message);
}

function fmt(n: number): string {
  return Number(n.toPrecision(3)).toLocaleString('en-US');
}
