// Remaining-life bands on the demo plant's components (issue 23): the plant simulator's
// degradation in accelerated plant time, through the maintenance service's health model, with
// known failure times. Cutting tools whose changes are missed (tool-wear-to-failure: wear to
// the failure limit 1.0) and coolant pumps that decline (cooling-degradation: pressure down to
// its 1 bar alarm limit, its end of life as the model has no failure limit for it). The truth is
// when the level the model watches (the mean of the last three minutes) reached the threshold.
// Reports the band's coverage with the shipped calibration (learned on IMS bearings only: this
// is data it was not fitted on), without calibration (baseline), and calibrated on the other
// plant runs (leave-one-run-out); plus how the planner rules showed (priority at the crossing).
//
//   npm run bench:plant-health                # 3 seeds x 12 machines, 4 plant hours each
//   npm run bench:plant-health -- --seeds 1   # quicker
import {
  DEFAULT_BAND_CALIBRATION,
  DEFAULT_COMPONENT_HEALTH,
  UNCALIBRATED,
} from '@twinlog/analytics';
import { plantLayout, type FaultSpec } from '@twinlog/plant-sim';
import {
  coverageOf,
  describe,
  describeCalibration,
  heldOutCoverage,
  sensitivity,
  type JudgedPrediction,
} from './band-coverage';
import { catalog, runPlantHealth, type PlantCheckpoint } from './plant-health-run';

const MACHINES = 12;
const HOURS = 4;
const SAMPLE_S = 10;
const TOOL_FACTORS = [1, 1.2, 1.5, 2, 1.3, 1.7];
const COOLING_RAMPS_H = [1.5, 2, 2.5, 3, 2, 1.5];
const HOUR_MS = 3_600_000;

/** Half the machines miss their tool changes, half lose their coolant pump; starts staggered. */
function faultsFor(seed: number): FaultSpec[] {
  const ids = plantLayout(MACHINES).machines.map((m) => m.machine);
  return ids.map((machine, i): FaultSpec => {
    const k = i % 6;
    const startS = 600 + ((seed * 7 + i * 13) % 30) * 60;
    return i < 6
      ? {
          kind: 'tool-wear-to-failure',
          machine,
          startS,
          wearRateFactor: TOOL_FACTORS[k]!,
          repairS: 600,
        }
      : {
          kind: 'cooling-degradation',
          machine,
          startS,
          rampS: COOLING_RAMPS_H[k]! * 3600,
          remainingCapacity: 0.2,
        };
  });
}

/** When the mean of the last three minutes first reached the threshold, after `from`. */
function crossingAfter(
  trail: Array<{ at: number; value: number }>,
  from: number,
  reached: (level: number) => boolean,
): number | undefined {
  let start = 0;
  let sum = 0;
  for (let i = 0; i < trail.length; i++) {
    sum += trail[i]!.value;
    while (trail[start]!.at <= trail[i]!.at - 3 * 60_000) sum -= trail[start++]!.value;
    if (trail[i]!.at >= from && reached(sum / (i - start + 1))) return trail[i]!.at;
  }
  return undefined;
}

function main(): void {
  const started = performance.now();
  const seedsArg = process.argv.indexOf('--seeds');
  const seeds = seedsArg > 0 ? Number(process.argv[seedsArg + 1]) : 3;
  const judged: JudgedPrediction[] = [];
  const atCrossing: string[] = [];
  let fallbacks = 0;
  let absurd = 0;
  let predictions = 0;
  // Healthy (normal band by the model and the raw readings, no limits episode) yet critical:
  // what a planner reads as a false page. Per role.
  const healthy = new Map<string, { all: number; critical: number }>();
  for (let seed = 1; seed <= seeds; seed++) {
    const faults = faultsFor(seed);
    const { checkpoints, series, layout } = runPlantHealth({
      machines: MACHINES,
      seed,
      faults,
      hours: HOURS,
      sampleSeconds: SAMPLE_S,
      roles: ['tool', 'coolant'],
    });
    const t0 = Date.UTC(2026, 0, 5);
    // The planner rules over every prediction of the plant (faulty or not): past a limit or
    // with a limits episode open, never low priority nor "no trend" beyond the horizon.
    for (const c of checkpoints) {
      predictions += 1;
      const a = c.assessment;
      const pastLimit = c.openAnomaly !== undefined || a.worstBand !== 'normal';
      const low = a.recommendation.priority === 'low';
      if (pastLimit && (low || (c.openAnomaly && a.model === 'no-trend'))) absurd += 1;
      if (!pastLimit && c.rawBand === 'normal') {
        const h = healthy.get(c.role) ?? { all: 0, critical: 0 };
        h.all += 1;
        if (a.recommendation.priority === 'critical') h.critical += 1;
        healthy.set(c.role, h);
      }
    }
    layout.machines.forEach((ids, i) => {
      const fault = faults[i]!;
      const tool = fault.kind === 'tool-wear-to-failure';
      const twinId = tool ? ids.tool : ids.coolant;
      const property = tool ? 'tool_wear' : 'pressure';
      const from = t0 + fault.startS * 1000;
      const crossing = crossingAfter(series.get(`${twinId}/${property}`) ?? [], from, (level) =>
        tool ? level >= 1 : level <= 1,
      );
      if (crossing === undefined) {
        console.log(`  seed ${seed} ${twinId}: never reached its threshold in ${HOURS} h`);
        return;
      }
      const own = checkpoints.filter((c) => c.twinId === twinId);
      // The life that ends at the crossing began at the last reset (a tool change) before it.
      const lifeStart = tool ? lastResetBefore(own, crossing) : Number.NEGATIVE_INFINITY;
      const run = `seed ${seed} ${twinId}`;
      for (const c of own) {
        if (c.assessment.at < lifeStart || c.assessment.at >= crossing) continue;
        if (c.assessment.model === 'no-trend' || c.assessment.model === 'threshold-reached')
          continue;
        if (c.assessment.model === 'mean-rate-degradation') {
          fallbacks += 1;
          continue;
        }
        judged.push({
          run,
          group: tool ? 'tool' : 'coolant',
          truthHours: (crossing - c.assessment.at) / HOUR_MS,
          failedBy: c.assessment.failedBy,
        });
      }
      const first = own.find((c) => c.assessment.at >= crossing);
      if (first) {
        const r = first.assessment.recommendation;
        atCrossing.push(
          `  ${run}: crossed at plant ${((crossing - t0) / 60_000).toFixed(0)} min; next prediction ${r.priority}, ${r.type}, RUL P50 ${first.assessment.life.p50.toFixed(2)} h`,
        );
      }
    });
    console.log(
      `seed ${seed}: ${checkpoints.length} predictions, ${judged.length} judged so far (${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
  }
  const horizon = DEFAULT_COMPONENT_HEALTH.horizonHours;
  const runs = new Set(judged.map((p) => p.run)).size;
  console.log(
    `\nDemo plant components: ${judged.length} predictions with a trend, before the threshold, in ${runs} runs (nominal P10-P90: 80 % inside, 10 % / 10 % outside)`,
  );
  for (const kind of ['tool', 'coolant', undefined] as const) {
    const subset = kind ? judged.filter((p) => p.group === kind) : judged;
    const label =
      kind === 'tool'
        ? 'cutting tools (wear to 1.0)'
        : kind === 'coolant'
          ? 'coolant pumps (pressure to 1 bar)'
          : 'all';
    const raw = coverageOf(subset, UNCALIBRATED, horizon);
    const shipped = coverageOf(subset, DEFAULT_BAND_CALIBRATION, horizon);
    console.log(`  ${label}:`);
    console.log(`    uncalibrated (baseline): ${describe(raw)}`);
    console.log(
      `    shipped default (${describeCalibration(DEFAULT_BAND_CALIBRATION)}, from IMS): ${describe(shipped)}; inside ratio to baseline ${(shipped.inside / Math.max(1, raw.inside)).toFixed(2)}`,
    );
    console.log(
      `    shipped default, its spread scaled: ${sensitivity(subset, DEFAULT_BAND_CALIBRATION, horizon)}`,
    );
    // The type's own band, where its model file declares one (bandScores).
    const own =
      kind === 'tool' ? catalog.get('cutting-tool', 1).maintenance?.bandScores : undefined;
    if (own) {
      const typed = coverageOf(subset, { ...own, source: 'cutting-tool.yaml' }, horizon);
      console.log(
        `    the type's own band (cutting-tool.yaml bandScores ${own.low}, ${own.mid}, ${own.high}: what the service uses): ${describe(typed)}`,
      );
    }
    const held = heldOutCoverage(subset, 'run', horizon);
    console.log(
      `    calibrated on the other plant runs (leave-one-run-out): ${describe(held.total)}`,
    );
  }
  console.log(
    `  (${fallbacks} predictions by the mean-rate fallback, a limit crossed with no trend, are not in these: their P10 is now)`,
  );
  console.log(
    `\nPlanner rules over all ${predictions} predictions: ${absurd} low-priority or "no trend" with a limit crossed or a limits episode open`,
  );
  console.log(
    `Healthy predictions (normal band, no limits episode) with critical priority: ${[...healthy]
      .map(
        ([role, h]) =>
          `${role} ${h.critical} of ${h.all} (${((100 * h.critical) / Math.max(1, h.all)).toFixed(1)} %)`,
      )
      .join(', ')}`,
  );
  console.log(
    `\nAt the threshold (the planner rules: corrective, critical, RUL 0):\n${atCrossing.join('\n')}`,
  );
  console.log(`\n${((performance.now() - started) / 1000).toFixed(1)} s`);
}

function lastResetBefore(own: PlantCheckpoint[], at: number): number {
  let start = Number.NEGATIVE_INFINITY;
  for (let i = 1; i < own.length; i++) {
    const a = own[i]!.assessment;
    if (a.at >= at) break;
    // A tool change shows as the wear falling back to the start of a new life.
    if (a.features[0]!.value < own[i - 1]!.assessment.features[0]!.value - 0.3) start = a.at;
  }
  return start;
}

if (require.main === module) main();
