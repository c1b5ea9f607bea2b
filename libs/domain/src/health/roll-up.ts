import type { ModelCatalog } from '../model/model-catalog';
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
  /** Per property whose model has a rollup rule: the aggregate over the twins below reporting it. */
  aggregates: Record<string, { rule: string; value: number; unit: string; count: number }>;
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
  const samples = new Map<string, { rule: string; unit: string; values: number[] }>();
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
  for (const [property, { rule, unit, values }] of samples) {
    setOwn(result.aggregates, property, {
      rule,
      unit,
      value: aggregate(rule, values),
      count: values.length,
    });
  }
  return result;
}

function collect(
  state: TwinState,
  samples: Map<string, { rule: string; unit: string; values: number[] }>,
  catalog: ModelCatalog,
): void {
  if (!catalog.has(state.twinType, state.modelVersion)) return;
  const model = catalog.get(state.twinType, state.modelVersion);
  for (const [property, reported] of Object.entries(state.reported)) {
    const rule = ownValue(model.properties, property)?.rollup;
    if (!rule) continue;
    const entry = samples.get(property) ?? { rule, unit: reported.unit, values: [] };
    entry.values.push(reported.value);
    samples.set(property, entry);
  }
}

const isWorse = (status: TwinHealthStatus, than: TwinHealthStatus | undefined) =>
  than === undefined || (worse(than, status) === status && status !== than);

function aggregate(rule: string, values: number[]): number {
  switch (rule) {
    case 'sum':
      return values.reduce((s, v) => s + v, 0);
    case 'mean':
      return values.reduce((s, v) => s + v, 0) / values.length;
    case 'min':
      return Math.min(...values);
    default:
      return Math.max(...values);
  }
}
