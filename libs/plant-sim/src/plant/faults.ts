import { z } from 'zod';
import { PlantSimError } from '../errors';
import type { PlantLayout } from './plant-layout';

/** Times are plant seconds after the simulation's start. */
const seconds = z.number().finite().nonnegative();

export const faultSpecSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('cooling-degradation'),
      /** The machine whose coolant pump wears: less flow and pressure, less heat carried away. */
      machine: z.string(),
      startS: seconds,
      /** How long the pump takes to decline to `remainingCapacity` (linearly). */
      rampS: seconds,
      /**
       * At least a fifth: below it the housing's simulated temperature leaves its model's
       * physical range (250 °C), where a real spindle would long have seized.
       */
      remainingCapacity: z.number().min(0.2).max(1),
    })
    .strict(),
  z
    .object({
      kind: z.literal('tool-wear-to-failure'),
      /** The machine whose tool is not changed in time (and wears faster) until it breaks. */
      machine: z.string(),
      startS: seconds,
      wearRateFactor: z.number().min(1).max(20),
      /** Downtime after the break until a new tool is in and the machine runs again. */
      repairS: seconds,
    })
    .strict(),
  z
    .object({
      kind: z.literal('stuck-sensor'),
      /** The sensor repeats the value it had at `startS`, exactly, until `durationS` is over. */
      twinId: z.string(),
      property: z.string(),
      startS: seconds,
      durationS: z.number().finite().positive().optional(),
    })
    .strict(),
]);

export type FaultSpec = z.infer<typeof faultSpecSchema>;

export const TIMELINES = ['demo', 'week', 'none'] as const;
export type TimelineName = (typeof TIMELINES)[number];

const MINUTE = 60;
const HOUR = 3600;

/**
 * The built-in fault schedules. `demo` is compressed so that at `--speed 10` every fault shows
 * within a few minutes of wall time (the stuck sensor needs the flatline detector's 10 plant
 * minutes); `week` spreads the same faults over days for long runs. Machines are taken in turn
 * (cooling on the first, tool wear on the second, stuck sensor on the third), wrapping around
 * on a plant with fewer machines.
 */
export function faultTimeline(name: TimelineName, layout: PlantLayout): FaultSpec[] {
  const ids = layout.machines.map((m) => m.machine);
  const nth = (i: number) => ids[i % ids.length]!;
  switch (name) {
    case 'none':
      return [];
    case 'demo':
      return [
        {
          kind: 'cooling-degradation',
          machine: nth(0),
          startS: 5 * MINUTE,
          rampS: 20 * MINUTE,
          remainingCapacity: 0.3,
        },
        {
          kind: 'tool-wear-to-failure',
          machine: nth(1),
          startS: 5 * MINUTE,
          wearRateFactor: 1.2,
          repairS: 5 * MINUTE,
        },
        { kind: 'stuck-sensor', twinId: nth(2), property: 'temperature', startS: 15 * MINUTE },
      ];
    case 'week':
      return [
        {
          kind: 'cooling-degradation',
          machine: nth(0),
          startS: 24 * HOUR,
          rampS: 72 * HOUR,
          remainingCapacity: 0.35,
        },
        {
          kind: 'tool-wear-to-failure',
          machine: nth(1),
          startS: 2 * HOUR,
          wearRateFactor: 1.5,
          repairS: 8 * MINUTE,
        },
        {
          kind: 'stuck-sensor',
          twinId: nth(2),
          property: 'temperature',
          startS: 12 * HOUR,
          durationS: 6 * HOUR,
        },
      ];
    default: {
      const unknown: never = name;
      throw new PlantSimError('OPTIONS_INVALID', `Unknown timeline ${String(unknown)}`);
    }
  }
}

/** A fault list from a file or a caller, checked against the plant (its machines and sensors). */
export function parseFaults(
  input: unknown,
  layout: PlantLayout,
  sensors: ReadonlyMap<string, readonly string[]>,
): FaultSpec[] {
  const parsed = z.array(faultSpecSchema).safeParse(input);
  if (!parsed.success) {
    throw new PlantSimError('FAULT_INVALID', 'The fault list is not valid', {
      problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(list)'}: ${i.message}`),
    });
  }
  const machines = new Set(layout.machines.map((m) => m.machine));
  const problems: string[] = [];
  parsed.data.forEach((fault, i) => {
    if (fault.kind === 'stuck-sensor') {
      const properties = sensors.get(fault.twinId);
      if (!properties) problems.push(`${i}.twinId: the plant has no twin ${fault.twinId}`);
      else if (!properties.includes(fault.property))
        problems.push(
          `${i}.property: ${fault.twinId} reports ${properties.join(', ')}, not ${fault.property}`,
        );
    } else if (!machines.has(fault.machine)) {
      problems.push(`${i}.machine: the plant has no machine ${fault.machine}`);
    }
  });
  if (problems.length > 0) {
    throw new PlantSimError('FAULT_INVALID', `The fault list does not fit the plant`, {
      problems,
    });
  }
  return parsed.data;
}
