import { physicalRangeOf, type PhysicalRange, type TwinModel } from '@twinlog/domain';

/** The figures a process twin may declare, with the unit each is computed in. */
export const KPI_UNITS = {
  throughput: 'parts/h',
  cycle_time: 's',
  availability: '1',
  performance: '1',
  quality: '1',
  oee: '1',
  wip: 'parts',
} as const;
export type KpiProperty = keyof typeof KPI_UNITS;
export const KPI_PROPERTIES = Object.keys(KPI_UNITS) as KpiProperty[];

const DEFAULT_WINDOW_S = 3600;
const MIN_WINDOW_S = 60;
const MAX_WINDOW_S = 86_400;

/** How a process model asks for its figures: which it declares, their ranges, the parameters. */
export interface ProcessKpiSettings {
  idealCycleTimeS: number;
  windowMs: number;
  /** The declared figures (in the unit the projection computes), each with its physical range. */
  ranges: Map<KpiProperty, PhysicalRange>;
}

/**
 * A `process` model with `physics.ideal_cycle_time_s` gets key figures: those of KPI_UNITS it
 * declares in their unit with `derived: process-kpis`; the window is `physics.window_s` (default an hour, 1 min to 1 day).
 */
export function processKpiSettings(model: TwinModel): ProcessKpiSettings | undefined {
  if (model.level !== 'process') return undefined;
  const physics = new Map(Object.entries(model.physics ?? {}));
  const ideal = physics.get('ideal_cycle_time_s');
  if (ideal === undefined || !(ideal > 0)) return undefined;
  const windowS = Math.min(
    MAX_WINDOW_S,
    Math.max(MIN_WINDOW_S, physics.get('window_s') ?? DEFAULT_WINDOW_S),
  );
  const properties = new Map(Object.entries(model.properties));
  const ranges = new Map<KpiProperty, PhysicalRange>();
  for (const property of KPI_PROPERTIES) {
    const spec = properties.get(property);
    // Only figures marked derived: ingestion refuses readings of those, so no one else writes them.
    if (spec && spec.unit === KPI_UNITS[property] && spec.derived === 'process-kpis')
      ranges.set(property, physicalRangeOf(spec));
  }
  return { idealCycleTimeS: ideal, windowMs: windowS * 1000, ranges };
}

/** A machine the figures count: its model declares the machine_state a process's OEE reads. */
export function isMachineModel(model: TwinModel): boolean {
  return Object.hasOwn(model.properties, 'machine_state');
}
