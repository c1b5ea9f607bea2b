// Health index and remaining useful life on the IMS bearing run-to-failure tests (issue 8):
// each bearing's readings go, in order, through the same streaming model the maintenance
// service runs. Limits are set from the first day (commissioning); the true end of life is
// the last reading before the rig stopped. Prints, per failed bearing, the health index and
// the RUL band at checkpoints before the end, the band's coverage of the truth, and when the
// first high-priority recommendation came, against a plain alarm-limit rule (the baseline);
// and how early (or falsely) the bearings that did not fail were flagged. Writes SVG figures.
//
//   npm run bench:ims                         # ../shared/data/ims_bearing (TWINLOG_DATA to override)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_BAND_CALIBRATION,
  DEFAULT_COMPONENT_HEALTH,
  learnBandCalibration,
  UNCALIBRATED,
  type LifePercentiles,
} from '@twinlog/analytics';
import {
  coverageOf,
  describe,
  pct,
  describeCalibration,
  heldOutCoverage,
  scoresByRun,
  sensitivity,
  type JudgedPrediction,
} from './band-coverage';
import { loadImsTests } from './ims-data';
import { bearingFigure } from './ims-figure';
import {
  LIMIT_MULTIPLES,
  plainAlarmLead,
  runBearing,
  thresholdCrossingLead,
  type Checkpoint,
} from './ims-run';

const CHECKPOINTS_H = [48, 24, 12, 6, 3, 1];
const NO_BAND = new Set(['no-trend', 'threshold-reached']);
const URGENT = new Set(['high', 'critical']);

const fmt = (h: number | undefined) => (h === undefined ? '-' : h.toFixed(1));
const at = (run: Checkpoint[], hoursLeft: number) => run.find((c) => c.hoursLeft <= hoursLeft);
const firstWith = (run: Checkpoint[], ok: (c: Checkpoint) => boolean) => run.find(ok)?.hoursLeft;

function main(): void {
  const started = performance.now();
  const figures = join(__dirname, 'figures');
  mkdirSync(figures, { recursive: true });
  const tests = loadImsTests();
  console.log(
    `IMS bearings, limits from the first day: warning > ${LIMIT_MULTIPLES.normal}x, alarm ${LIMIT_MULTIPLES.alarm}x, failure ${LIMIT_MULTIPLES.failure}x; end of life = last reading`,
  );
  const coverage = { inside: 0, predicted: 0, insideCrossing: 0, beforeCrossing: 0 };
  const healthy: string[] = [];
  const judged: JudgedPrediction[] = [];
  let readings = 0;
  for (const test of tests) {
    for (const bearing of test.bearings) {
      const run = runBearing(test, bearing);
      readings += test.times.length * bearing.channels.length;
      judged.push(...judgedPredictions(test.name, bearing.name, run, thresholdCrossingLead(test, bearing)));
      const firstHigh = firstWith(run, (c) => URGENT.has(c.assessment.recommendation.priority));
      const firstMedium = firstWith(run, (c) => c.assessment.recommendation.priority !== 'low');
      const plain = plainAlarmLead(test, bearing);
      if (!bearing.failed) {
        const highs = run.filter((c) => URGENT.has(c.assessment.recommendation.priority)).length;
        healthy.push(
          `  ${test.name} ${bearing.name}: first medium ${fmt(firstMedium)} h, first high ${fmt(firstHigh)} h before the end; ${highs} of ${run.length} predictions high or critical; plain alarm rule ${fmt(plain)} h`,
        );
        continue;
      }
      console.log(
        `\n${test.name} ${bearing.name} (${bearing.failed} failure), ${run.length} predictions over ${fmt(run[0]!.hoursLeft)} h`,
      );
      console.log(
        '  hours left | health | RUL P10 / P50 / P90 (h) | band width | truth in band | priority',
      );
      let shown: Checkpoint | undefined;
      for (const h of CHECKPOINTS_H) {
        const c = at(run, h);
        // Test 1 has a gap in its last hours: one reading answers several checkpoints.
        if (!c || c === shown) continue;
        shown = c;
        const { life, healthIndex, recommendation } = c.assessment;
        const band = life.beyond.p50
          ? 'none (no degradation trend)'
          : `${fmt(life.p10)} / ${fmt(life.p50)} / ${fmt(life.p90)}`;
        const inside = !life.beyond.p50 && life.p10 <= c.hoursLeft && c.hoursLeft <= life.p90;
        console.log(
          `  ${fmt(c.hoursLeft).padStart(10)} | ${healthIndex.toFixed(0).padStart(6)} | ${band.padEnd(27)} | ${(life.beyond.p50 ? '-' : fmt(life.p90 - life.p10)).padStart(10)} | ${(life.beyond.p50 ? '-' : inside ? 'yes' : 'no').padStart(13)} | ${recommendation.priority}`,
        );
      }
      const predicted = run.filter((c) => !c.assessment.life.beyond.p50);
      const inside = predicted.filter(
        (c) => c.assessment.life.p10 <= c.hoursLeft && c.hoursLeft <= c.assessment.life.p90,
      );
      coverage.inside += inside.length;
      // Against the model's own end of life: when the level reached the failure limit.
      const crossing = thresholdCrossingLead(test, bearing);
      const before = predicted.filter((c) => crossing !== undefined && c.hoursLeft > crossing);
      const insideCrossing = before.filter((c) => {
        const left = c.hoursLeft - crossing!;
        return c.assessment.life.p10 <= left && left <= c.assessment.life.p90;
      });
      coverage.insideCrossing += insideCrossing.length;
      coverage.beforeCrossing += before.length;
      coverage.predicted += predicted.length;
      const healthTrail = [0.5, 0.9].map((f) =>
        run[Math.floor(f * (run.length - 1))]!.assessment.healthIndex.toFixed(0),
      );
      console.log(
        `  health index: ${healthTrail[0]} at mid-test, ${healthTrail[1]} at 90 % of the test, ${at(run, 24)?.assessment.healthIndex.toFixed(0)} a day before, ${run[run.length - 1]!.assessment.healthIndex.toFixed(0)} at the end`,
      );
      console.log(
        `  RUL predicted from ${fmt(predicted[0]?.hoursLeft)} h before the end; the end inside P10-P90 in ${inside.length} of ${predicted.length} predictions (${pct(inside.length, predicted.length)})`,
      );
      console.log(
        `  level reached the failure limit ${fmt(crossing)} h before the end; that time inside P10-P90 in ${insideCrossing.length} of ${before.length} predictions made before it (${pct(insideCrossing.length, before.length)})`,
      );
      console.log(
        `  first high-priority recommendation ${fmt(firstHigh)} h before failure (first medium ${fmt(firstMedium)} h); plain alarm-limit rule ${fmt(plain)} h; ratio ${firstHigh !== undefined && plain ? (firstHigh / plain).toFixed(2) : '-'}`,
      );
      const file = `ims-${test.name.replace(' ', '')}-${bearing.name.replace(' ', '')}.svg`;
      writeFileSync(
        join(figures, file),
        bearingFigure(`${test.name} ${bearing.name} (${bearing.failed}): last 48 h`, run, 48),
      );
    }
  }
  console.log(
    `\nBearings that did not fail (the tests end with another bearing's failure):\n${healthy.join('\n')}`,
  );
  console.log(
    `\nBand coverage over the failed bearings (nominal 80 %): the end of the test in ${coverage.inside} of ${coverage.predicted} predictions (${pct(coverage.inside, coverage.predicted)}); the failure-limit crossing in ${coverage.insideCrossing} of ${coverage.beforeCrossing} (${pct(coverage.insideCrossing, coverage.beforeCrossing)})`,
  );
  bandCalibrationReport(judged);
  withLimitsEpisodes(tests);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `${readings} readings in ${seconds.toFixed(1)} s; figures in bench/accuracy/figures/`,
  );
}

/**
 * Every bearing whose level reached its failure limit is a run with a known end of life (the
 * model's own definition of it): its predictions with a trend, made before that time.
 */
function judgedPredictions(
  test: string,
  bearing: string,
  run: Checkpoint[],
  crossing: number | undefined,
): JudgedPrediction[] {
  if (crossing === undefined) return [];
  return run
    // A band to judge: a law extrapolated (not "no trend", nor "reached", which is RUL 0 by rule).
    .filter((c) => !NO_BAND.has(c.assessment.model) && c.hoursLeft > crossing)
    .map((c) => ({
      run: `${test} ${bearing}`,
      group: test,
      truthHours: c.hoursLeft - crossing,
      failedBy: c.assessment.failedBy,
    }));
}

/** The band's coverage of the failure-limit crossing: as the model says, and calibrated on other runs. */
function bandCalibrationReport(judged: JudgedPrediction[]): void {
  const horizon = DEFAULT_COMPONENT_HEALTH.horizonHours;
  const runs = [...new Set(judged.map((p) => p.run))];
  console.log(
    `\nBand calibration (nominal P10-P90: 80 % inside, 10 % before P10, 10 % after P90), over ${judged.length} predictions with a trend in ${runs.length} runs that reached the failure limit (${runs.join(', ')}):`,
  );
  const raw = coverageOf(judged, UNCALIBRATED, horizon);
  console.log(`  uncalibrated (the model's own band, baseline): ${describe(raw)}`);
  for (const [apart, centred] of [
    ['run', false],
    ['group', false],
    ['run', true],
    ['group', true],
  ] as const) {
    const held = heldOutCoverage(judged, apart, horizon, centred);
    console.log(
      `  calibrated${centred ? ', centred,' : ''} on the other ${apart === 'run' ? 'runs (leave-one-run-out)' : 'tests (leave-one-test-out)'}: ${describe(held.total)}; inside ratio to baseline ${(held.total.inside / Math.max(1, raw.inside)).toFixed(2)}`,
    );
    for (const r of held.perRun) {
      console.log(`    ${r.run}: ${describe(r.coverage)}; learned ${describeCalibration(r.calibration)}`);
    }
  }
  const all = learnBandCalibration(scoresByRun(judged), 'all runs');
  const centred = learnBandCalibration(scoresByRun(judged), 'all runs', { centred: true });
  console.log(`  learned from all ${runs.length} runs: ${describeCalibration(all)}; centred (what the shipped default is): ${describeCalibration(centred)}`);
  console.log(
    `  shipped default (${DEFAULT_BAND_CALIBRATION.source}; in-sample here): ${describe(coverageOf(judged, DEFAULT_BAND_CALIBRATION, horizon))}`,
  );
  console.log(`  its spread scaled: ${sensitivity(judged, DEFAULT_BAND_CALIBRATION, horizon)}`);
}

/**
 * The same bearings with the anomaly service's limits episodes fed in, as the service runs:
 * a limit crossed lets a trend count before the reference is learned and, without a trend,
 * the mean-rate fallback gives a life. What that does to the bands and to early escalations.
 */
function withLimitsEpisodes(tests: ReturnType<typeof loadImsTests>): void {
  const judged: JudgedPrediction[] = [];
  const fallback: Array<JudgedPrediction & { band?: LifePercentiles; workLate?: boolean }> = [];
  const healthy: string[] = [];
  const unfailed = { predictions: 0, critical: 0 };
  for (const test of tests) {
    for (const bearing of test.bearings) {
      const run = runBearing(test, bearing, { limitsEpisodes: true });
      const crossing = thresholdCrossingLead(test, bearing);
      judged.push(...judgedPredictions(test.name, bearing.name, run, crossing));
      const meanRate = run.filter((c) => c.assessment.model === 'mean-rate-degradation');
      fallback.push(
        ...judgedPredictions(test.name, bearing.name, meanRate, crossing).map((p, i) => {
          const { life, at, recommendation: r } = meanRate.filter(
            (c) => crossing !== undefined && c.hoursLeft > crossing,
          )[i]!.assessment;
          // Work started at the window's end would finish after the truth: the advice came late.
          const workLate = (r.window.to - at) / 3_600_000 + r.downtimeHours > p.truthHours;
          return { ...p, band: life, workLate };
        }),
      );
      const firstHigh = firstWith(run, (c) => URGENT.has(c.assessment.recommendation.priority));
      healthy.push(`${test.name} ${bearing.name}${bearing.failed ? ' (failed)' : ''} ${fmt(firstHigh)} h`);
      if (!bearing.failed) {
        // What a part that did not fail was paged as: critical is "stop and replace it now".
        unfailed.predictions += run.length;
        unfailed.critical += run.filter((c) => c.assessment.recommendation.priority === 'critical').length;
      }
    }
  }
  const horizon = DEFAULT_COMPONENT_HEALTH.horizonHours;
  console.log(
    `\nWith the limits detector's episodes fed in (as in the service): ${judged.length} predictions with a law before the failure-limit crossing`,
  );
  const trend = judged.filter((p) => !fallback.some((f) => f.failedBy === p.failedBy));
  console.log(
    `  by a trend (${trend.length}): uncalibrated ${describe(coverageOf(trend, UNCALIBRATED, horizon))}; shipped ${describe(coverageOf(trend, DEFAULT_BAND_CALIBRATION, horizon))}; leave-one-run-out ${describe(heldOutCoverage(trend, 'run', horizon).total)}`,
  );
  const inside = fallback.filter((f) => f.band!.p10 <= f.truthHours && f.truthHours <= f.band!.p90);
  const late = fallback.filter((f) => f.truthHours > f.band!.p90);
  const early = fallback.filter((f) => f.truthHours < f.band!.p10);
  // The fallback's P10 is now for any crossed limit: how often the advice still came late.
  const now = fallback.filter((f) => f.band!.p10 === 0).length;
  const workLate = fallback.filter((f) => f.workLate).length;
  console.log(
    `  by the mean-rate fallback (a limit crossed, no trend; ${fallback.length}; P10 now in ${now}): as shipped ${pct(inside.length, fallback.length)} inside, truth before P10 ${pct(early.length, fallback.length)}, after P90 ${pct(late.length, fallback.length)}; work started at the window's end done after the truth ${pct(workLate, fallback.length)}; the mean rate's own band would hold ${describe(coverageOf(fallback, UNCALIBRATED, horizon))}`,
  );
  console.log(`  first high-priority recommendation, hours before the end: ${healthy.join('; ')}`);
  console.log(
    `  bearings that did not fail: ${unfailed.critical} of ${unfailed.predictions} predictions critical`,
  );
}

if (require.main === module) main();
