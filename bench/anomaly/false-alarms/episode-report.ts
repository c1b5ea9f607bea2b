import type { OpenedEpisode } from './plant-monitors';
import type { ScheduledFault } from './plant-faults';

const DAY_S = 86_400;
/** An episode opened this long after a fault ended still counts as catching it (a late flatline). */
const GRACE_S = 1800;

export interface FaultCatch {
  fault: ScheduledFault;
  first: OpenedEpisode | undefined;
}

export interface VariantFigures {
  name: string;
  healthyMachines: number;
  machineDays: number;
  /** Episodes on healthy machines' twins. */
  falseEpisodes: OpenedEpisode[];
  /** Episodes on faulty machines before their fault started. */
  beforeFault: OpenedEpisode[];
  line: OpenedEpisode[];
  catches: FaultCatch[];
}

export function figuresOf(
  name: string,
  opened: readonly OpenedEpisode[],
  machines: readonly string[],
  faults: readonly ScheduledFault[],
  runS: number,
): VariantFigures {
  const faultOf = new Map(faults.map((f) => [f.machine, f]));
  const healthy = machines.filter((m) => !faultOf.has(m));
  const onMachine = opened.filter((e) => e.machine !== null);
  return {
    name,
    healthyMachines: healthy.length,
    machineDays: (healthy.length * runS) / DAY_S,
    falseEpisodes: onMachine.filter((e) => !faultOf.has(e.machine!)),
    beforeFault: onMachine.filter((e) => {
      const fault = faultOf.get(e.machine!);
      return fault !== undefined && e.atS < fault.startS;
    }),
    line: opened.filter((e) => e.machine === null),
    catches: faults.map((fault) => ({
      fault,
      first: onMachine.find(
        (e) =>
          e.machine === fault.machine && e.atS >= fault.startS && e.atS <= fault.endS + GRACE_S,
      ),
    })),
  };
}

export function perHundredMachineDays(f: VariantFigures): number {
  return (100 * f.falseEpisodes.length) / Math.max(f.machineDays, 1e-9);
}

/** Which part of the machine and which detector: `spindle current baseline`. */
export function channelOf(e: OpenedEpisode): string {
  const role =
    e.machine && e.twinId !== e.machine ? e.twinId.slice(e.machine.length + 1) : 'machine';
  return `${role} ${e.property === '*' ? '(vector)' : e.property} ${e.detector}`;
}

export function describeEpisode(e: OpenedEpisode): string {
  const evidence = e.evidence
    .map((v) => {
      const expected =
        v.expected !== undefined
          ? `expected ${fmt(v.expected)}`
          : v.expectedLow !== undefined || v.expectedHigh !== undefined
            ? `expected ${fmt(v.expectedLow)}..${fmt(v.expectedHigh)}`
            : '';
      return `${v.property} ${fmt(v.observed)} ${expected}`.trim();
    })
    .join('; ');
  return (
    `${e.twinId} ${e.detector}/${e.property} at ${hours(e.atS)} (${e.severity}), ` +
    `machine ${e.state} for ${Math.round(e.inStateS)} s: ${evidence}`
  );
}

export function printFigures(f: VariantFigures, worst: number): void {
  const rate = perHundredMachineDays(f);
  console.log(
    `\n[${f.name}] ${f.falseEpisodes.length} episodes on ${f.healthyMachines} healthy machines ` +
      `over ${f.machineDays.toFixed(1)} machine-days: ${rate.toFixed(2)} per 100 machine-days ` +
      `(${(rate / 100).toFixed(3)} per machine-day)`,
  );
  const byChannel = countBy(f.falseEpisodes, channelOf);
  for (const [channel, n] of byChannel)
    console.log(
      `  ${channel.padEnd(36)} ${String(n).padStart(5)}  ${((100 * n) / f.machineDays).toFixed(2)} per 100 machine-days`,
    );
  const byState = countBy(
    f.falseEpisodes,
    (e) => `${e.state}${e.inStateS < 30 ? ' (<30 s after a change)' : ''}`,
  );
  console.log(`  when: ${[...byState].map(([s, n]) => `${s} ${n}`).join(', ') || '-'}`);
  const firstHour = f.falseEpisodes.filter((e) => e.atS < 3600).length;
  console.log(`  in the first plant-hour (detectors learning): ${firstHour}`);
  if (f.beforeFault.length > 0)
    console.log(`  also ${f.beforeFault.length} on faulty machines before their fault started`);
  if (f.line.length > 0) console.log(`  line: ${f.line.map(describeEpisode).join(' | ')}`);
  const byMachine = countBy(f.falseEpisodes, (e) => e.machine!);
  const offenders = [...byMachine].slice(0, worst);
  if (offenders.length > 0) console.log('  worst offenders:');
  for (const [machine, n] of offenders) {
    console.log(`    ${machine}: ${n}`);
    for (const e of f.falseEpisodes.filter((x) => x.machine === machine).slice(0, 3))
      console.log(`      ${describeEpisode(e)}`);
  }
  console.log('  injected faults:');
  for (const { fault, first } of f.catches) {
    const what = `${fault.machine} ${fault.label} from ${hours(fault.startS)}`;
    console.log(
      first
        ? `    caught  ${what}: after ${minutes(first.atS - fault.startS)} by ${channelOf(first)}`
        : `    MISSED  ${what}`,
    );
  }
}

function countBy<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function hours(s: number): string {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}`;
}

export function minutes(s: number): string {
  return s < 120 ? `${Math.round(s)} s` : `${(s / 60).toFixed(1)} min`;
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '';
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3);
}
