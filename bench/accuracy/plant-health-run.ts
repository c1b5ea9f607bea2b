// The demo plant's components through the maintenance service's health model, in accelerated
// plant time: the plant simulator's readings, its tool changes as maintenance, and limit
// anomalies as the anomaly service's limits detector would open them (one per property while
// a raw reading is outside normal, its severity the band's). Pure: no service, no clock.
import {
  ComponentHealthModel,
  DEFAULT_COMPONENT_HEALTH,
  type ComponentHealthSettings,
  type HealthAssessment,
} from '@twinlog/analytics';
import type { HealthBand, Limits, Severity } from '@twinlog/domain';
import { loadModelCatalog, SEED_MODELS_DIR } from '@twinlog/model-files';
import { PlantSimulation, type FaultSpec, type MachineIds } from '@twinlog/plant-sim';
import { LimitsEpisodes } from './limits-episodes';

export const catalog = loadModelCatalog(SEED_MODELS_DIR);

export type Role = Exclude<keyof MachineIds, 'machine'> | 'machine';
const TYPES: Record<Role, string> = {
  machine: 'cnc-milling-machine',
  spindle: 'spindle-motor',
  tool: 'cutting-tool',
  coolant: 'coolant-pump',
};

export interface PlantCheckpoint {
  twinId: string;
  role: Role;
  assessment: HealthAssessment;
  /** The raw readings' worst band at the time, and the limit anomalies open then. */
  rawBand: HealthBand;
  openAnomaly: Severity | undefined;
}

export interface PlantRunOptions {
  machines: number;
  seed: number;
  faults: FaultSpec[];
  hours: number;
  sampleSeconds: number;
  roles: Role[];
  settings?: ComponentHealthSettings;
}

interface Watched {
  twinId: string;
  role: Role;
  limits: Record<string, Limits>;
  model: ComponentHealthModel;
  episodes: LimitsEpisodes;
}

const limitsOf = (type: string) =>
  Object.fromEntries(
    Object.entries(catalog.get(type, 1).properties)
      .filter(([, p]) => p.limits !== undefined)
      .map(([name, p]) => [name, p.limits!]),
  );

/**
 * Runs the plant for `hours` of plant time, sampling every `sampleSeconds`, and returns every
 * checkpoint of the watched components, plus the readings per twin and property (for the truth).
 */
export function runPlantHealth(options: PlantRunOptions) {
  const startMs = Date.UTC(2026, 0, 5);
  const sim = new PlantSimulation({
    machines: options.machines,
    seed: options.seed,
    startMs,
    faults: options.faults,
  });
  const settings = {
    ...(options.settings ?? DEFAULT_COMPONENT_HEALTH),
    checkpointSeconds: 60,
  };
  const watched = new Map<string, Watched>();
  for (const ids of sim.layout.machines) {
    for (const role of options.roles) {
      const type = catalog.get(TYPES[role], 1);
      const limits = limitsOf(TYPES[role]);
      const model = new ComponentHealthModel(ids[role], limits, type.maintenance, settings);
      watched.set(ids[role], {
        twinId: ids[role],
        role,
        limits,
        model,
        episodes: new LimitsEpisodes(ids[role], limits, model),
      });
    }
  }
  const checkpoints: PlantCheckpoint[] = [];
  const series = new Map<string, Array<{ at: number; value: number }>>();
  const endMs = startMs + options.hours * 3_600_000;
  for (let at = startMs; at <= endMs; at += options.sampleSeconds * 1000) {
    const sample = sim.sample(at);
    for (const m of sample.maintenance) {
      const w = watched.get(m.twinId);
      if (w) w.model.maintained({ kind: m.kind, at: Date.parse(m.performedAt), resets: m.resets });
    }
    const byTwin = new Map<string, Array<{ property: string; value: number; at: number }>>();
    for (const r of sample.readings) {
      const w = watched.get(r.twinId);
      if (!w || !w.limits[r.property]) continue;
      const own = byTwin.get(r.twinId) ?? [];
      own.push({ property: r.property, value: r.value, at });
      byTwin.set(r.twinId, own);
      const key = `${r.twinId}/${r.property}`;
      const trail = series.get(key) ?? [];
      trail.push({ at, value: r.value });
      series.set(key, trail);
    }
    for (const [twinId, readings] of byTwin) {
      const w = watched.get(twinId)!;
      const rawBand = w.episodes.observe(readings, at);
      w.model.observe(readings);
      if (!w.model.due()) continue;
      checkpoints.push({
        twinId,
        role: w.role,
        assessment: w.model.checkpoint()!,
        rawBand,
        openAnomaly: w.episodes.worstOpen,
      });
    }
  }
  return { checkpoints, series, layout: sim.layout, startMs, limitsOf: (twinId: string) => watched.get(twinId)!.limits };
}
