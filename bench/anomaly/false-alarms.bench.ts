// False alarms on healthy machines (issue 23): the demo plant simulator's machines, faults
// injected on a few at known times, run in accelerated plant time through the anomaly service's
// own per-twin monitor (TwinAnomalyMonitor with monitorSettingsFor(model) and the model's
// limits, as apps/anomaly builds it). Prints anomaly episodes per healthy machine per plant-day
// by detector and channel (every healthy machine also has a planned stop, waiting idle), the worst offenders with their evidence and the machine's operating
// state, whether each injected fault was caught and how soon, and the ratio of the variants.
// Seeded: the same arguments give the same figures.
//
//   npm run bench:false-alarms -- [--machines 100] [--hours 24] [--seed 42] [--interval 1] [--worst 5]
//     [--variants main,models]   (the first is the baseline of the ratio; see variants.ts)
import { performance } from 'node:perf_hooks';
import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import { PlantSimulation, plantLayout } from '@twinlog/plant-sim';
import { arg } from '../event-log/bench-util';
import { figuresOf, perHundredMachineDays, printFigures } from './false-alarms/episode-report';
import { faultSchedule, plannedStops } from './false-alarms/plant-faults';
import { PlantMonitors } from './false-alarms/plant-monitors';
import { benchVariant } from './false-alarms/variants';

const MACHINES = arg('machines', 100);
const HOURS = arg('hours', 24);
const SEED = Math.round(arg('seed', 42));
const INTERVAL_S = arg('interval', 1);
const WORST = arg('worst', 5);
const VARIANTS = textArg('variants', 'main,models').split(',');
const GOAL_PER_100_MACHINE_DAYS = 1;
// A fixed plant start, so that the figures never depend on the day the bench runs.
const START_MS = Date.parse('2026-01-05T06:00:00.000Z');

function main(): number {
  const runS = Math.round(HOURS * 3600);
  const layout = plantLayout(MACHINES);
  const faults = faultSchedule(layout, runS);
  const stops = plannedStops(layout, runS, faults);
  const sim = new PlantSimulation({
    machines: MACHINES,
    seed: SEED,
    startMs: START_MS,
    faults: faults.map((f) => f.spec),
    stops,
  });
  const registrations = sim.registrations();
  const catalog = loadModelCatalog(SEED_MODELS_DIR);
  const variants = VARIANTS.map((name) => benchVariant(name, catalog)).map(
    (v) => new PlantMonitors(v.name, v.catalog, registrations, START_MS),
  );
  console.log(
    `${MACHINES} machines (seed ${SEED}), ${HOURS} plant-hours, a sample every ${INTERVAL_S} s; ` +
      `${faults.length} faults injected, a ${stops[0] ? Math.round(stops[0].durationS / 60) : 0}-minute planned stop on each of ${stops.length} healthy machines; variants: ${variants.map((v) => v.name).join(', ')}`,
  );
  const started = performance.now();
  const samples = Math.floor(runS / INTERVAL_S);
  let lastHour = -1;
  for (let k = 0; k <= samples; k++) {
    const atMs = START_MS + Math.round(k * INTERVAL_S * 1000);
    const { readings } = sim.sample(atMs);
    for (const variant of variants) variant.observe(readings, atMs);
    const hour = Math.floor((k * INTERVAL_S) / 3600);
    if (hour !== lastHour || k === samples) {
      lastHour = hour;
      const wall = (performance.now() - started) / 1000;
      process.stderr.write(
        `plant ${hour} h of ${HOURS} (${wall.toFixed(0)} s wall); episodes opened: ` +
          `${variants.map((v) => `${v.name} ${v.opened.length}`).join(', ')}\n`,
      );
    }
  }
  const machines = layout.machines.map((m) => m.machine);
  const figures = variants.map((v) => figuresOf(v.name, v.opened, machines, faults, runS));
  for (const f of figures) printFigures(f, WORST);
  const [before, after] = [figures[0]!, figures[figures.length - 1]!];
  const ratio = perHundredMachineDays(after) / Math.max(perHundredMachineDays(before), 1e-9);
  console.log(
    `\nfalse episodes per 100 machine-days: ${figures.map((f) => `${f.name} ${perHundredMachineDays(f).toFixed(2)}`).join(', ')}`,
  );
  if (figures.length > 1) console.log(`ratio ${after.name} / ${before.name}: ${ratio.toFixed(3)}`);
  console.log('detection delay per fault (from its start):');
  for (let i = 0; i < faults.length; i++) {
    const cells = figures.map((f) => {
      const c = f.catches[i]!;
      return `${f.name} ${c.first ? `${Math.round(c.first.atS - c.fault.startS)} s` : 'MISSED'}`;
    });
    console.log(`  ${faults[i]!.machine} ${faults[i]!.label}: ${cells.join(', ')}`);
  }
  const met =
    perHundredMachineDays(after) < GOAL_PER_100_MACHINE_DAYS && after.catches.every((c) => c.first);
  console.log(
    `goal (fewer than ${GOAL_PER_100_MACHINE_DAYS} per 100 machine-days, every fault caught): ${met ? 'met' : 'NOT met'} by ${after.name}; ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s wall`,
  );
  return 0;
}

function textArg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

process.exitCode = main();
