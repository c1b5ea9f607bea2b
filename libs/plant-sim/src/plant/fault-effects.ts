import type { FaultSpec } from './faults';
import { HEALTHY, type MachineEffects } from './machine-process';

/**
 * What the faults do to a machine at plant second t: cooling declining along its ramp, tool
 * changes held with faster wear until the machine was repaired (`repaired`).
 */
export function faultEffectsOn(
  faults: readonly FaultSpec[],
  machine: string,
  t: number,
  repaired: ReadonlySet<string>,
): MachineEffects {
  let effects = HEALTHY;
  for (const fault of faults) {
    if (fault.kind === 'stuck-sensor' || fault.machine !== machine || t < fault.startS) continue;
    if (fault.kind === 'cooling-degradation') {
      const progress = fault.rampS === 0 ? 1 : Math.min(1, (t - fault.startS) / fault.rampS);
      effects = {
        ...effects,
        coolingHealth: 1 - (1 - fault.remainingCapacity) * progress,
      };
    } else if (!repaired.has(machine)) {
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

/** The note that announces a fault when it starts. */
export function describeFault(fault: FaultSpec): string {
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

/** Stuck-sensor faults: a stuck sensor repeats the value it read when it stuck, exactly. */
export class StuckSensors {
  private readonly held = new Map<string, number>();

  constructor(private readonly faults: readonly FaultSpec[]) {}

  /** The value a sensor reports at plant second t, having measured `measured`. */
  value(twinId: string, property: string, t: number, measured: number): number {
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
