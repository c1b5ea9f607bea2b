import { printable } from './printable';
/** The parts of a simulation result the plain-text report shows. */
export interface RunView {
  simulationId: string;
  twinId: string;
  twinType: string;
  label: string | null;
  startAt: string;
  horizonSeconds: number;
  stepSeconds: number;
  perturbations: Array<Record<string, unknown>>;
  start: Record<string, { value: number; source: string; ageSeconds: number | null }>;
  calibration: {
    from: string;
    to: string;
    groups: Array<{
      group: string;
      status: string;
      points: number;
      rmse: number | null;
      reason: string | null;
    }>;
  };
  units: Record<string, string>;
  trajectory: { times: number[]; properties: Record<string, number[]> };
  crossings: Array<{
    property: string;
    level: string;
    limit: number;
    atSeconds: number;
    at: string;
  }>;
  firstLimit: { property: string; level: string; atSeconds: number } | null;
  riskLevel: string;
  recommendations: Array<{ message: string }>;
  uncertainty: {
    samples: number;
    seed: number;
    crossingProbabilities: Array<{
      property: string;
      level: string;
      limit: number;
      probability: number;
    }>;
  } | null;
}

export interface CompareView {
  base: RunView;
  alternative: RunView;
  comparison: { verdict: string; reason: string };
}

export function describeRun(r: RunView, out: (line: string) => void): void {
  out(
    `${r.twinId} (${r.twinType}) from ${r.startAt}, ${duration(r.horizonSeconds)} ahead at ${duration(r.stepSeconds)} steps${r.label ? ` - ${printable(r.label)}` : ''}`,
  );
  out(
    `  what changes: ${r.perturbations.length > 0 ? r.perturbations.map(perturbation).join('; ') : 'nothing (the present course)'}`,
  );
  out(
    `  starts from: ${Object.entries(r.start)
      .map(
        ([p, s]) => `${p} ${show(s.value, r.units[p])}${s.source === 'reading' ? '' : ' (model)'}`,
      )
      .join(', ')}`,
  );
  out(
    `  calibrated on ${r.calibration.from} to ${r.calibration.to}: ${r.calibration.groups.map((g) => `${g.group} ${g.status}${g.rmse === null ? '' : ` (${g.points} readings, rmse ${g.rmse.toPrecision(2)})`}`).join(', ') || 'not calibrated'}`,
  );
  out(
    `risk: ${r.riskLevel.toUpperCase()}${r.firstLimit ? `; first limit: ${r.firstLimit.property} ${r.firstLimit.level} at T+${duration(r.firstLimit.atSeconds)}` : '; no limit reached'}`,
  );
  for (const c of r.crossings) {
    out(
      `  T+${duration(c.atSeconds).padEnd(12)} ${c.property.padEnd(18)} ${c.level.padEnd(8)} ${show(c.limit, r.units[c.property])}  (${c.at})`,
    );
  }
  const last = r.trajectory.times.length - 1;
  out(
    `at the horizon: ${Object.entries(r.trajectory.properties)
      .map(([p, v]) => `${p} ${show(v[last]!, r.units[p])}`)
      .join(', ')}`,
  );
  if (r.uncertainty) {
    const likely = r.uncertainty.crossingProbabilities.filter((p) => p.probability > 0);
    out(
      `uncertainty (${r.uncertainty.samples} samples, seed ${r.uncertainty.seed}): ${likely.length > 0 ? likely.map((p) => `${p.property} ${p.level} ${(100 * p.probability).toFixed(0)}%`).join(', ') : 'no sample reaches a limit'}`,
    );
  }
  out('recommendations:');
  for (const rec of r.recommendations) out(`  - ${rec.message}`);
}

export function describeComparison(c: CompareView, out: (line: string) => void): void {
  out('== without the mitigation');
  describeRun(c.base, out);
  out('== with the mitigation');
  describeRun(c.alternative, out);
  out(`verdict: ${c.comparison.verdict} (${c.comparison.reason})`);
}

function perturbation(p: Record<string, unknown>): string {
  const at = `at T+${duration(p['at'] as number)}${p['until'] !== undefined ? ` until T+${duration(p['until'] as number)}` : ''}`;
  const amount =
    p['kind'] === 'fail'
      ? `to ${Math.round(100 * (p['remaining'] as number))}%`
      : p['kind'] === 'ramp'
        ? `${p['ratePerHour'] as number}/h`
        : p['kind'] === 'set'
          ? `to ${p['value'] as number}`
          : p['by'] !== undefined
            ? `by ${p['by'] as number}`
            : `x${p['factor'] as number}`;
  return `${p['kind'] as string} ${p['target'] as string} ${amount} ${at}`;
}

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return [h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ') || `${s} s`;
}

function show(value: number, unit: string | undefined): string {
  const text = Number(value.toPrecision(4)).toLocaleString('en-US', { maximumFractionDigits: 3 });
  return unit && unit !== '1' ? `${text} ${unit}` : text;
}
