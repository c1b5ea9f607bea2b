import { PlantSimError } from '../errors';
import { SeededRandom } from '../random/seeded-random';
import {
  readingIdOf,
  type MaintenanceRecord,
  type PlantNote,
  type PlantSample,
  type SimReading,
} from '../readings';
import { parseFaults, type FaultSpec } from './faults';
import { SEED_MACHINE_PHYSICS, type MachinePhysics } from './machine-physics';
import {
  HEALTHY,
  MachineProcess,
  STEP_S,
  type MachineEffects,
  type ProcessEvent,
} from './machine-process';
import { MACHINE_SENSORS, sensorsByRole } from './machine-sensors';
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
  private readonly partsDone: number[] = [];
  private lastThroughputMinute = Number.NEGATIVE_INFINITY;
  private readonly held = new Map<string, number>();
  private readonly broken = new Set<string>();
  private readonly repaired = new Set<string>();
  private pendingMaintenance: MaintenanceRecord[] = [];
  private pendingNotes: PlantNote[] = [];
  private readonly announced = new Set<FaultSpec>();

  constructor(options: PlantSimulationOptions) {
    if (!Number.isFinite(options.startMs)) {
      throw new PlantSimError('OPTIONS_INVALID', 'startMs must be a time in epoch milliseconds');
    }
    this.layout = plantLayout(options.machines, options.site);
    this.faults = parseFaults(options.faults ?? [], this.layout, plantSensors(this.layout));
    this.startMs = options.startMs;
    const physics = options.physics ?? SEED_MACHINE_PHYSICS;
    const preRollS = options.preRollS ?? THROUGHPUT_WINDOW_S;
    this.stepS = -Math.ceil(preRollS / STEP_S) * STEP_S;
    this.machines = this.layout.machines.map((ids) => ({
      ids,
      process: new MachineProcess(
        physics,
        new SeededRandom(options.seed, `${ids.machine}/process`),
        this.stepS,
      ),
      noise: new SeededRandom(options.seed, `${ids.machine}/noise`),
    }));
    // The pre-roll: tool changes and notes before the start are history nobody reported.
    this.advanceTo(0);
    this.pendingMaintenance = [];
    this.pendingNotes = [];
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
        const value = this.stuckValue(twinId, sensor.property, t, measured);
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
        value: this.partsDone.filter((at) => at > since).length,
        unit: 'parts/h',
        time,
        readingId: readingIdOf(this.layout.lineId, 'throughput', atMs),
      });
    }
    const sample = {
      atMs,
      readings,
      maintenance: this.pendingMaintenance,
      notes: this.pendingNotes,
    };
    this.pendingMaintenance = [];
    this.pendingNotes = [];
    return sample;
  }

  private advanceTo(t: number): void {
    const events: ProcessEvent[] = [];
    while (this.stepS + STEP_S <= t) {
      const at = this.stepS;
      this.announceFaults(at);
      for (const machine of this.machines) {
        events.length = 0;
        machine.process.step(at, this.effectsOn(machine.ids.machine, at), events);
        for (const event of events) this.record(machine.ids, event);
      }
      this.stepS += STEP_S;
    }
    const cutoff = this.stepS - THROUGHPUT_WINDOW_S;
    while (this.partsDone.length > 0 && this.partsDone[0]! <= cutoff) this.partsDone.shift();
  }

  private effectsOn(machine: string, t: number): MachineEffects {
    let effects = HEALTHY;
    for (const fault of this.faults) {
      if (fault.kind === 'stuck-sensor' || fault.machine !== machine || t < fault.startS) continue;
      if (fault.kind === 'cooling-degradation') {
        const progress = fault.rampS === 0 ? 1 : Math.min(1, (t - fault.startS) / fault.rampS);
        effects = {
          ...effects,
          coolingHealth: 1 - (1 - fault.remainingCapacity) * progress,
        };
      } else if (!this.repaired.has(machine)) {
        effects = {
          ...effects,
          wearRateFactor: fault.wearRateFactor,
          toolChangesHeld: true,
          repairS: fault.repairS,
        };
      }
    }
    return effects;
  }

  private record(ids: MachineIds, event: ProcessEvent): void {
    const at = new Date(this.startMs + event.atS * 1000).toISOString();
    switch (event.kind) {
      case 'part-done':
        this.partsDone.push(event.atS);
        return;
      case 'tool-broke':
        this.broken.add(ids.machine);
        this.pendingNotes.push({
          at,
          twinId: ids.tool,
          message: `tool broke at wear ${event.wear.toFixed(2)}; ${ids.machine} stopped for repair`,
        });
        return;
      case 'tool-changed': {
        // A tool-wear fault ends with the repair: the new tool is watched again.
        if (event.afterBreak && this.broken.delete(ids.machine)) this.repaired.add(ids.machine);
        const notes = event.afterBreak
          ? `broken tool replaced (worn to ${event.wornTo.toFixed(2)})`
          : `planned tool change at wear ${event.wornTo.toFixed(2)}`;
        this.pendingMaintenance.push(
          {
            twinId: ids.tool,
            kind: 'tool-replaced',
            performedAt: at,
            resets: ['tool_wear'],
            notes,
          },
          {
            twinId: ids.machine,
            kind: 'tool-replaced',
            performedAt: at,
            resets: ['tool_wear'],
            componentId: ids.tool,
            notes,
          },
        );
        if (event.afterBreak)
          this.pendingNotes.push({ at, twinId: ids.machine, message: `${notes}; running again` });
        return;
      }
      default: {
        const unknown: never = event;
        throw new Error(`unknown process event ${JSON.stringify(unknown)}`);
      }
    }
  }

  private announceFaults(t: number): void {
    for (const fault of this.faults) {
      if (t < fault.startS || this.announced.has(fault)) continue;
      this.announced.add(fault);
      const at = new Date(this.startMs + t * 1000).toISOString();
      const twinId = fault.kind === 'stuck-sensor' ? fault.twinId : fault.machine;
      this.pendingNotes.push({ at, twinId, message: describeFault(fault) });
    }
  }

  /** A stuck sensor repeats the value it read when it stuck, exactly. */
  private stuckValue(twinId: string, property: string, t: number, measured: number): number {
    const fault = this.faults.find(
      (f) =>
        f.kind === 'stuck-sensor' &&
        f.twinId === twinId &&
        f.property === property &&
        t >= f.startS &&
        (f.durationS === undefined || t < f.startS + f.durationS),
    );
    const key = `${twinId}/${property}`;
    if (!fault) {
      this.held.delete(key);
      return measured;
    }
    const held = this.held.get(key) ?? measured;
    this.held.set(key, held);
    return held;
  }
}

function describeFault(fault: FaultSpec): string {
  switch (fault.kind) {
    case 'cooling-degradation':
      return `fault: coolant pump declining to ${Math.round(fault.remainingCapacity * 100)}% capacity over ${Math.round(fault.rampS / 60)} min`;
    case 'tool-wear-to-failure':
      return `fault: tool changes missed, wear ×${fault.wearRateFactor} until the tool breaks`;
    case 'stuck-sensor':
      return `fault: ${fault.property} sensor stuck${fault.durationS ? ` for ${Math.round(fault.durationS / 60)} min` : ''}`;
    default: {
      const unknown: never = fault;
      return `fault ${JSON.stringify(unknown)}`;
    }
  }
}

/** Every twin of the plant and the properties it reports. */
export function plantSensors(layout: PlantLayout): Map<string, string[]> {
  const byRole = sensorsByRole();
  const sensors = new Map<string, string[]>([[layout.lineId, ['throughput']]]);
  for (const ids of layout.machines) {
    for (const [role, properties] of byRole) sensors.set(ids[role], properties);
  }
  return sensors;
}
