import type { FaultSpec, PlannedStop, PlantLayout } from '@twinlog/plant-sim';

/** A fault of the run, with the machine it is on and the span in which it is expected to be caught. */
export interface ScheduledFault {
  spec: FaultSpec;
  /** The machine whose twins may catch it. */
  machine: string;
  /** What it is, in words. */
  label: string;
  /** Plant seconds after the run's start. */
  startS: number;
  /** Plant second after which an episode no longer counts as catching it (the fault was over). */
  endS: number;
}

const MINUTE = 60;
const HOUR = 3600;

/**
 * The run's faults, one per machine on the first six machines (fewer on a smaller plant), at
 * known shares of the run so that a shorter run still holds them all, each after the first hour
 * (the detectors learn normal behaviour from the machines' first readings). Every kind the plant
 * simulator injects, in a fast and a slow form.
 */
export function faultSchedule(layout: PlantLayout, runS: number): ScheduledFault[] {
  const ids = layout.machines.map((m) => m.machine);
  const at = (share: number) => Math.max(HOUR, Math.round(share * runS));
  const span = (s: number) => Math.min(s, Math.round(0.1 * runS));
  const candidates: Omit<ScheduledFault, 'machine' | 'endS'>[] = [
    {
      label: 'coolant pump declining to 30% over 2 h',
      startS: at(0.15),
      spec: cooling(ids[0]!, at(0.15), span(2 * HOUR), 0.3),
    },
    {
      label: 'tool changes missed, wear x1.5 to breakage',
      startS: at(0.25),
      spec: {
        kind: 'tool-wear-to-failure',
        machine: ids[1] ?? '',
        startS: at(0.25),
        wearRateFactor: 1.5,
        repairS: 10 * MINUTE,
      },
    },
    {
      label: 'housing temperature sensor stuck for 2 h',
      startS: at(0.4),
      spec: stuck(ids[2] ?? '', 'temperature', at(0.4), span(2 * HOUR)),
    },
    {
      label: 'coolant pump declining to 60% over 8 h',
      startS: at(0.5),
      spec: cooling(ids[3] ?? '', at(0.5), span(8 * HOUR), 0.6),
    },
    {
      label: 'coolant flow sensor stuck for 1 h',
      startS: at(0.65),
      spec: stuck(`${ids[4] ?? ''}-coolant`, 'flow_rate', at(0.65), span(HOUR)),
    },
    {
      label: 'tool changes missed, wear x1.2 to breakage',
      startS: at(0.75),
      spec: {
        kind: 'tool-wear-to-failure',
        machine: ids[5] ?? '',
        startS: at(0.75),
        wearRateFactor: 1.2,
        repairS: 10 * MINUTE,
      },
    },
  ];
  return candidates.slice(0, Math.min(ids.length, candidates.length)).map((c, i) => ({
    ...c,
    machine: ids[i]!,
    endS: c.spec.kind === 'stuck-sensor' ? c.startS + (c.spec.durationS ?? runS) : runS,
  }));
}

function cooling(machine: string, startS: number, rampS: number, remaining: number): FaultSpec {
  return {
    kind: 'cooling-degradation',
    machine,
    startS,
    rampS,
    remainingCapacity: remaining,
  };
}

function stuck(twinId: string, property: string, startS: number, durationS: number): FaultSpec {
  return { kind: 'stuck-sensor', twinId, property, startS, durationS };
}

/**
 * A planned stop on every healthy machine (a break, no orders): it waits idle for 45 minutes,
 * at a time spread over the run by the golden ratio, so that stops start at every phase of the
 * machines' load cycles. Normal operation: an episode during one is a false alarm.
 */
export function plannedStops(
  layout: PlantLayout,
  runS: number,
  faults: readonly ScheduledFault[],
): PlannedStop[] {
  const faulty = new Set(faults.map((f) => f.machine));
  return layout.machines
    .map((m, i) => ({
      machine: m.machine,
      startS: Math.round((0.2 + 0.6 * ((i * 0.618034) % 1)) * runS),
      durationS: Math.min(45 * MINUTE, Math.round(0.05 * runS)),
    }))
    .filter((stop) => !faulty.has(stop.machine));
}
