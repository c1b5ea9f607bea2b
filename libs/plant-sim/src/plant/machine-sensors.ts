import type { SeededRandom } from '../random/seeded-random';
import type { MachineTruth, Phase } from './machine-process';
import type { MachineIds, PlantLayout } from './plant-layout';

export type MachineRole = keyof MachineIds;

interface Sensor {
  role: MachineRole;
  property: string;
  unit: string;
  /** The measured value: the truth with the sensor's noise, at its resolution. */
  read(truth: MachineTruth, noise: SeededRandom): number;
}

const round = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};
const atLeast0 = (value: number) => Math.max(0, value);

/** machine_state's codes (cnc-milling-machine model): 0 down, 1 idle, 2 running. */
export const MACHINE_STATE: Readonly<Record<Phase, number>> = { down: 0, idle: 1, cutting: 2 };

/**
 * Every sensor of a machine and its components, in the units of the seed models. Noise is
 * Gaussian, relative where the physics is (vibration RMS, power), absolute where the sensor's
 * own floor dominates (thermocouples, flow meters); a value that cannot be negative is not.
 */
export const MACHINE_SENSORS: readonly Sensor[] = [
  {
    role: 'machine',
    property: 'temperature',
    unit: '°C',
    read: (t, n) => round(t.housingC + 0.15 * n.normal(), 2),
  },
  {
    role: 'machine',
    property: 'vibration',
    unit: 'mm/s',
    read: (t, n) => round(atLeast0(t.vibration * (1 + 0.04 * n.normal()) + 0.02 * n.normal()), 3),
  },
  {
    role: 'machine',
    property: 'spindle_speed',
    unit: 'rpm',
    read: (t, n) => (t.speedRpm === 0 ? 0 : Math.round(t.speedRpm + 3 * n.normal())),
  },
  {
    role: 'machine',
    property: 'power_consumption',
    unit: 'kW',
    read: (t, n) => round(atLeast0(t.powerKw * (1 + 0.01 * n.normal()) + 0.03 * n.normal()), 3),
  },
  {
    role: 'machine',
    property: 'tool_wear',
    unit: '1',
    read: (t, n) => round(Math.min(1.2, atLeast0(t.wear + 0.002 * n.normal())), 4),
  },
  {
    role: 'spindle',
    property: 'temperature',
    unit: '°C',
    read: (t, n) => round(t.motorC + 0.2 * n.normal(), 2),
  },
  {
    role: 'spindle',
    property: 'vibration',
    unit: 'mm/s',
    read: (t, n) =>
      round(atLeast0(t.motorVibration * (1 + 0.04 * n.normal()) + 0.02 * n.normal()), 3),
  },
  {
    role: 'spindle',
    property: 'current',
    unit: 'A',
    read: (t, n) => round(atLeast0(t.currentA * (1 + 0.01 * n.normal()) + 0.05 * n.normal()), 2),
  },
  {
    role: 'tool',
    property: 'tool_wear',
    unit: '1',
    read: (t, n) => round(Math.min(1.2, atLeast0(t.wear + 0.002 * n.normal())), 4),
  },
  {
    role: 'coolant',
    property: 'flow_rate',
    unit: 'L/min',
    read: (t, n) => round(atLeast0(t.flowLpm + 0.25 * n.normal()), 2),
  },
  {
    role: 'coolant',
    property: 'pressure',
    unit: 'bar',
    read: (t, n) => round(atLeast0(t.pressureBar + 0.04 * n.normal()), 3),
  },
  // The controller's own facts, exact (no noise drawn, so the sensors above read as before):
  // what the machining process's OEE is derived from.
  { role: 'machine', property: 'machine_state', unit: '1', read: (t) => MACHINE_STATE[t.phase] },
  { role: 'machine', property: 'parts_produced', unit: 'parts', read: (t) => t.partsMade },
  { role: 'machine', property: 'parts_scrapped', unit: 'parts', read: (t) => t.partsScrapped },
];

/** Which properties each twin role reports: what a stuck-sensor fault may name. */
export function sensorsByRole(): Map<MachineRole, string[]> {
  const byRole = new Map<MachineRole, string[]>();
  for (const s of MACHINE_SENSORS) byRole.set(s.role, [...(byRole.get(s.role) ?? []), s.property]);
  return byRole;
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
