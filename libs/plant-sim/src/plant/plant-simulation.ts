import { PlantSimError } from '../errors';
import { SeededRandom } from '../random/seeded-random';
import { readingIdOf, type PlantSample, type SimReading } from '../readings';
import { describeFault, faultEffectsOn, StuckSensors } from './fault-effects';
import { parseFaults, type FaultSpec } from './faults';
import { LineHappenings } from './line-happenings';
import { SEED_MACHINE_PHYSICS, type MachinePhysics } from './machine-physics';
import { MachineProcess, STEP_S, type ProcessEvent } from './machine-process';
import { MACHINE_SENSORS, plantSensors } from './machine-sensors';
import {
  plantLayout,
  plantRegistrations,
  type MachineIds,
  type PlantLayout,
  type TwinRegistration,
} from './plant-layout';

export interface PlantSimulationOptions {
  machines: number;
  seed: number;
  /** Plant time of the first sample, epoch ms. */
  startMs: number;
  site?: string;
  faults?: FaultSpec[];
  physics?: MachinePhysics;
  /** Plant seconds simulated silently before the start: warm machines, a full throughput window. */
  preRollS?: number;
  /** Planned stops: healthy machines waiting idle (a break, no orders), not faults. */
  stops?: PlannedStop[];
}

/** A machine waits idle from `startS` for `durationS` (plant seconds after the start). */
export interface PlannedStop {
  machine: string;
  startS: number;
  durationS: number;
}

const THROUGHPUT_WINDOW_S = 3600;
const DAY_MS = 86_400_000;

interface Machine {
  ids: MachineIds;
  process: MachineProcess;
  noise: SeededRandom;
}

/**
 * A production line of CNC machines, simulated from a seed: `sample(t)` gives every sensor's
 * reading at plant time t (non-decreasing), plus the tool changes and notable happenings since
 * the previous sample. Pure: time comes in as an argument, randomness from the seed.
 */
export class PlantSimulation {
  readonly layout: PlantLayout;
  readonly faults: FaultSpec[];
  private readonly machines: Machine[];
  private readonly startMs: number;
  private stepS: number;
  private lastThroughputMinute = Number.NEGATIVE_INFINITY;
  private readonly happenings: LineHappenings;
  private readonly stuck: StuckSensors;
  private readonly announced = new Set<FaultSpec>();
  private readonly stopsOf = new Map<string, PlannedStop[]>();

  constructor(options: PlantSimulationOptions) {
    if (!Number.isFinite(options.startMs)) {
      throw new PlantSimError('OPTIONS_INVALID', 'startMs must be a time in epoch milliseconds');
    }
    this.layout = plantLayout(options.machines, options.site);
    this.faults = parseFaults(options.faults ?? [], this.layout, plantSensors(this.layout));
    this.startMs = options.startMs;
    this.happenings = new LineHappenings(this.startMs);
    this.stuck = new StuckSensors(this.faults);
    for (const stop of options.stops ?? [])
      this.stopsOf.set(stop.machine, [...(this.stopsOf.get(stop.machine) ?? []), stop]);
    const physics = options.physics ?? SEED_MACHINE_PHYSICS;
    const preRollS = options.preRollS ?? THROUGHPUT_WINDOW_S;
    this.stepS = -Math.ceil(preRollS / STEP_S) * STEP_S;
    this.machines = this.layout.machines.map((ids) => ({
      ids,
      process: new MachineProcess(
        physics,
        new SeededRandom(options.seed, `${ids.machine}/process`),
        this.stepS,
        new SeededRandom(options.seed, `${ids.machine}/quality`),
      ),
      noise: new SeededRandom(options.seed, `${ids.machine}/noise`),
    }));
    // The pre-roll: tool changes and notes before the start are history nobody reported.
    this.advanceTo(0);
    this.happenings.take();
  }

  /** The plant's twins, registered a day before the pre-roll (readings must not predate them). */
  registrations(): TwinRegistration[] {
    const commissioned = this.startMs + this.stepS * 1000 - DAY_MS;
    return plantRegistrations(this.layout, new Date(commissioned).toISOString());
  }

  /** Readings per sample (the line's throughput, once a plant minute, not counted). */
  get readingsPerSample(): number {
    return this.machines.length * MACHINE_SENSORS.length;
  }

  sample(atMs: number): PlantSample {
    const t = (atMs - this.startMs) / 1000;
    if (t < this.stepS - STEP_S) {
      throw new PlantSimError('OPTIONS_INVALID', 'Samples must be taken in time order', { atMs });
    }
    this.advanceTo(t);
    const time = new Date(atMs).toISOString();
    const readings: SimReading[] = [];
    for (const machine of this.machines) {
      const truth = machine.process.truth(this.stepS);
      for (const sensor of MACHINE_SENSORS) {
        const twinId = machine.ids[sensor.role];
        const measured = sensor.read(truth, machine.noise);
        const value = this.stuck.value(twinId, sensor.property, t, measured);
        readings.push({
          twinId,
          property: sensor.property,
          value,
          unit: sensor.unit,
          time,
          readingId: readingIdOf(twinId, sensor.property, atMs),
        });
      }
    }
    const minute = Math.floor(t / 60);
    if (minute > this.lastThroughputMinute) {
      this.lastThroughputMinute = minute;
      const since = this.stepS - THROUGHPUT_WINDOW_S;
      readings.push({
        twinId: this.layout.lineId,
        property: 'throughput',
        value: this.happenings.partsDone.filter((at) => at > since).length,
        unit: 'parts/h',
        time,
        readingId: readingIdOf(this.layout.lineId, 'throughput', atMs),
      });
    }
    const { maintenance, notes } = this.happenings.take();
    return { atMs, readings, maintenance, notes };
  }

  private advanceTo(t: number): void {
    const events: ProcessEvent[] = [];
    while (this.stepS + STEP_S <= t) {
      const at = this.stepS;
      this.announceFaults(at);
      for (const machine of this.machines) {
        events.length = 0;
        const faulty = faultEffectsOn(
          this.faults,
          machine.ids.machine,
          at,
          this.happenings.repaired,
        );
        const waiting = (this.stopsOf.get(machine.ids.machine) ?? []).some(
          (s) => at >= s.startS && at < s.startS + s.durationS,
        );
        const effects = waiting ? { ...faulty, waiting } : faulty;
        machine.process.step(at, effects, events);
        for (const event of events) this.happenings.record(machine.ids, event);
      }
      this.stepS += STEP_S;
    }
    const cutoff = this.stepS - THROUGHPUT_WINDOW_S;
    this.happenings.dropPartsUpTo(cutoff);
  }

  private announceFaults(t: number): void {
    for (const fault of this.faults) {
      if (t < fault.startS || this.announced.has(fault)) continue;
      this.announced.add(fault);
      const at = new Date(this.startMs + t * 1000).toISOString();
      const twinId = fault.kind === 'stuck-sensor' ? fault.twinId : fault.machine;
      this.happenings.note({ at, twinId, message: describeFault(fault) });
    }
  }
}
