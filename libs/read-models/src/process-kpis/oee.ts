import { counted, heldIntervals, lastAtOrBefore, type Point } from './point-series';

/** machine_state's codes (cnc-milling-machine model). */
export const MACHINE_STATE = { down: 0, idle: 1, running: 2 } as const;

/** A machine's readings the figures come from, in event-time order. */
export interface MachineSeries {
  /** When it was registered and retired (epoch ms): its planned time lies between. */
  since?: number;
  until?: number;
  state: readonly Point[];
  produced: readonly Point[];
  scrapped: readonly Point[];
}

export interface OeeInputs {
  /** The end of the window (epoch ms, event time) and its length. */
  at: number;
  windowMs: number;
  /** A reading holds its value at most this long: a machine silent longer is unobserved. */
  holdMs: number;
  idealCycleTimeS: number;
  /** The earliest reading of any machine: a window reaching before it is shortened to it. */
  firstSeen: number;
}

/** A process's key figures; a figure with nothing to say (no parts yet) is left out. */
export interface ProcessKpis {
  throughput?: number;
  cycle_time?: number;
  availability?: number;
  performance?: number;
  quality?: number;
  oee?: number;
  wip: number;
  /** What they were computed from, for tests and explanations (unobservedS is in plannedS). */
  basis: {
    runS: number;
    plannedS: number;
    unobservedS: number;
    total: number;
    scrap: number;
    windowS: number;
  };
}

/**
 * OEE over (at - windowMs, at] by the standard definitions, summed over the machines:
 * availability = run time / planned time, where planned time is the whole window (since the
 * machine was registered and the projection first saw a reading under the process) for every
 * machine: a machine silent longer than the hold (powered off, controller down, network cut) is
 * unobserved, and unobserved time counts as down (basis.unobservedS says how much); performance = ideal cycle time × parts made / run time (at most 1); quality = good /
 * made; OEE = their product. Throughput: good parts per hour of the window; cycle time: run time
 * per part made; WIP: machines cutting a part at `at` (each holds one part started, not finished).
 */
export function oeeOf(machines: readonly MachineSeries[], input: OeeInputs): ProcessKpis {
  const { at, windowMs, holdMs } = input;
  const from = at - windowMs;
  let runMs = 0;
  let plannedMs = 0;
  let observedMs = 0;
  // A counter cannot plausibly count more parts in a window than the window allows at the ideal cycle.
  const maxStep = Math.ceil(windowMs / 1000 / input.idealCycleTimeS);
  let total = 0;
  let scrap = 0;
  let wip = 0;
  for (const m of machines) {
    const start = Math.max(from, input.firstSeen, m.since ?? -Infinity);
    const end = Math.min(at, m.until ?? Infinity);
    if (start < end) plannedMs += end - start;
    heldIntervals(m.state, start, end, holdMs, (state, ms) => {
      observedMs += ms;
      if (state === MACHINE_STATE.running) runMs += ms;
    });
    const made = counted(m.produced, from, at, maxStep);
    total += made;
    scrap += Math.min(made, counted(m.scrapped, from, at, maxStep));
    const last = m.state[lastAtOrBefore(m.state, at)];
    if (last && last.v === MACHINE_STATE.running && at - last.t <= holdMs) wip += 1;
  }
  const windowS = Math.max(0, Math.min(windowMs, at - input.firstSeen)) / 1000;
  const runS = runMs / 1000;
  const plannedS = plannedMs / 1000;
  const unobservedS = Math.max(0, plannedMs - observedMs) / 1000;
  const kpis: ProcessKpis = {
    wip,
    basis: { runS, plannedS, unobservedS, total, scrap, windowS },
  };
  if (windowS > 0) kpis.throughput = ((total - scrap) * 3600) / windowS;
  if (total > 0) {
    kpis.cycle_time = runS / total;
    kpis.quality = (total - scrap) / total;
  }
  if (plannedS > 0) kpis.availability = runS / plannedS;
  if (runS > 0) kpis.performance = Math.min(1, (input.idealCycleTimeS * total) / runS);
  const { availability: a, performance: p, quality: q } = kpis;
  // A factor of 0 makes OEE 0 even where another has nothing to say (no run, no parts).
  if (a === 0 || p === 0) kpis.oee = 0;
  else if (a !== undefined && p !== undefined && q !== undefined) kpis.oee = a * p * q;
  return kpis;
}
