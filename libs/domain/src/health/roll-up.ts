import type { ModelCatalog } from '../model/model-catalog';
import { physicalRangeOf, withinRange } from '../model/physical-range';
import type { TwinState } from '../twin/twin-state';
import { twinHealth, worse, type TwinHealthStatus } from './health';
import { ownValue, setOwn } from '../own-names';

export interface RollUp {
  twinId: string;
  /** The twin's own health (its own readings and anomalies). */
  ownStatus: TwinHealthStatus;
  /** The worst over the twin and every active twin below it. */
  worstStatus: TwinHealthStatus;
  /** The least healthy asset below (the machine to look at first), if any is judged. */
  leastHealthy: { twinId: string; twinType: string; status: TwinHealthStatus } | null;
  /**
   * Per property whose model has a rollup rule: the aggregate over the twins below reporting it.
   * `excluded` counts values left out because the property cannot physically be that (stored
   * before physical ranges were checked); it is absent when none was.
   */
  aggregates: Record<
    string,
    { rule: string; value: number; unit: string; count: number; excluded?: number }
  >;
  children: Array<{
    twinId: string;
    twinType: string;
    status: TwinHealthStatus;
    worstStatus: TwinHealthStatus;
  }>;
  /** Retired twins below: kept out of health and aggregates. */
  retired: string[];
}

/**
 * The roll-up of a twin's subtree: worst status, least healthy asset, and aggregates such as a
 * production line's total power. `lookup` gives each twin's state (current, or as of a time).
 */
export function rollUp(
  root: TwinState,
  lookup: (twinId: string) => TwinState | undefined,
  catalog: ModelCatalog,
): RollUp {
  const ownStatus = twinHealth(root).status;
  const result: RollUp = {
    twinId: root.twinId,
    ownStatus,
    worstStatus: ownStatus,
    leastHealthy: null,
    aggregates: {},
    children: [],
    retired: [],
  };
  const samples = new Map<string, Samples>();
  const seen = new Set([root.twinId]);

  /** The worst status over `state`'s active descendants; collects aggregates on the way. */
  const below = (state: TwinState): TwinHealthStatus => {
    let worst: TwinHealthStatus = 'unknown';
    for (const { twinId } of state.children) {
      if (seen.has(twinId)) continue; // a corrupt cycle must not hang a query
      seen.add(twinId);
      const child = lookup(twinId);
      if (child?.status === 'retired') result.retired.push(twinId);
      if (child?.status !== 'active') continue;
      const status = twinHealth(child).status;
      if (child.level === 'asset' && isWorse(status, result.leastHealthy?.status)) {
        result.leastHealthy = { twinId, twinType: child.twinType, status };
      }
      collect(child, samples, catalog);
      const childWorst = worse(status, below(child));
      if (state === root) {
        result.children.push({ twinId, twinType: child.twinType, status, worstStatus: childWorst });
      }
      worst = worse(worst, childWorst);
    }
    return worst;
  };

  result.worstStatus = worse(ownStatus, below(root));
  for (const [property, { rule, unit, values, excluded }] of samples) {
    if (values.length === 0) continue;
    setOwn(result.aggregates, property, {
      rule,
      unit,
      value: aggregate(rule, values),
      count: values.length,
      ...(excluded > 0 ? { excluded } : {}),
    });
  }
  return result;
}

interface Samples {
  rule: string;
  unit: string;
  values: number[];
  excluded: number;
}

function collect(state: TwinState, samples: Map<string, Samples>, catalog: ModelCatalog): void {
  if (!catalog.has(state.twinType, state.modelVersion)) return;
  const model = catalog.get(state.twinType, state.modelVersion);
  for (const [property, reported] of Object.entries(state.reported)) {
    const spec = ownValue(model.properties, property);
    if (!spec?.rollup) continue;
    const entry = samples.get(property) ?? {
      rule: spec.rollup,
      unit: reported.unit,
      values: [],
      excluded: 0,
    };
    // Within the physical range (|value| <= 1e15) no sum over any real number of twins overflows.
    if (withinRange(reported.value, physicalRangeOf(spec))) entry.values.push(reported.value);
    else entry.excluded += 1;
    samples.set(property, entry);
  }
}

const isWorse = (status: TwinHealthStatus, than: TwinHealthStatus | undefined) =>
  than === undefined || (worse(than, status) === status && status !== than);

function aggregate(rule: string, values: number[]): number {
  switch (rule) {
    case 'sum':
      return compensatedSum(values);
    case 'mean':
      return compensatedSum(values) / values.length;
    case 'min':
      return values.reduce((a, v) => (v < a ? v : a));
    default:
      return values.reduce((a, v) => (v > a ? v : a));
  }
}

/** Neumaier's summation: a 0.1 kW machine still counts next to a line total of 1e15. */
export function compensatedSum(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (const v of values) {
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}
