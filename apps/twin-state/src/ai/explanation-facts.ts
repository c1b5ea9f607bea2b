import {
  ownValue,
  type EventEnvelope,
  type EventOfType,
  type TwinModel,
  type TwinState,
  type WindowStats,
} from '@twinlog/domain';
import type { SiteFilter } from '../queries/relatives';
import type { IndexedEpisode } from './episode-index';

/** How much of the plant goes to the model at most: enough to reason, bounded whatever the plant. */
export const FACT_LIMITS = {
  properties: 10,
  siblings: 20,
  related: 20,
  ancestors: 10,
  windows: 24,
} as const;

/** Around the detection: an hour before it to an hour after (or its clearing, or now). */
export const STATISTICS_BEFORE_MS = 3_600_000;
export const STATISTICS_AFTER_MS = 3_600_000;
export const STATISTICS_EVERY_MS = 600_000;
/** Anomalies of the parent and siblings open within this of the detection are "related". */
export const RELATED_WITHIN_MS = 2 * 3_600_000;

export interface StatisticsSeries {
  property: string;
  unit: string;
  windows: WindowStats[];
}

export interface ExplanationFactsInput {
  detected: EventEnvelope<EventOfType<'AnomalyDetected'>>;
  /** Each time the episode's severity rose, in order (none: it is as it opened). */
  escalations?: ReadonlyArray<EventEnvelope<EventOfType<'AnomalyEscalated'>>>;
  cleared: EventEnvelope<EventOfType<'AnomalyCleared'>> | undefined;
  twin: TwinState;
  model: TwinModel | undefined;
  statistics: { from: string; to: string; everyMs: number; series: StatisticsSeries[] };
  ancestors: TwinState[];
  parent: TwinState | undefined;
  siblings: TwinState[];
  related: IndexedEpisode[];
  /** How many of the twin's children go into the facts (those of its site). */
  children: number;
}

/** The anomalous twin's relatives that its explanation may name (relativesOf). */
export interface ExplanationRelatives {
  parent: TwinState | undefined;
  siblings: TwinState[];
  ancestors: TwinState[];
  children: number;
}

/**
 * The relatives an explanation's facts may hold: only twins of the anomalous twin's own site
 * that the caller may see. The answer is recorded on the twin's stream, where everyone who may
 * see this twin reads it; a parent, sibling or ancestor of another site (a company twin above
 * plants on two sites) could reach them in the model's words. The chain up stops at the first
 * ancestor of another site.
 */
export function relativesOf(
  twin: TwinState,
  lookup: (twinId: string) => TwinState | undefined,
  see: SiteFilter,
): ExplanationRelatives {
  const shown = (id: string | null) => {
    const state = id === null ? undefined : lookup(id);
    return state && state.site === twin.site && see(state.site) ? state : undefined;
  };
  const parent = shown(twin.parentId);
  const siblings = (parent?.children ?? [])
    .filter((c) => c.twinId !== twin.twinId)
    .map((c) => shown(c.twinId))
    .filter((s): s is TwinState => s !== undefined);
  const ancestors: TwinState[] = [];
  for (let up = parent; up && ancestors.length < FACT_LIMITS.ancestors; up = shown(up.parentId)) {
    if (ancestors.some((a) => a.twinId === up!.twinId)) break; // a corrupt cycle
    ancestors.push(up);
  }
  const children = twin.children.filter((c) => shown(c.twinId) !== undefined).length;
  return { parent, siblings, ancestors, children };
}

/** The statistics' range: the hour before the detection to an hour after, its clearing or now. */
export function statisticsRange(
  detectedAt: string,
  clearedAt: string | undefined,
  now: string,
): { from: string; to: string } {
  const start = Date.parse(detectedAt);
  const end = Math.min(
    start + STATISTICS_AFTER_MS,
    clearedAt ? Date.parse(clearedAt) + STATISTICS_EVERY_MS : Number.POSITIVE_INFINITY,
    Math.max(Date.parse(now), start + STATISTICS_EVERY_MS),
  );
  // Whole windows, so the store's aligned windows cover it.
  const align = (t: number, up: boolean) =>
    (up ? Math.ceil(t / STATISTICS_EVERY_MS) : Math.floor(t / STATISTICS_EVERY_MS)) *
    STATISTICS_EVERY_MS;
  const from = align(start - STATISTICS_BEFORE_MS, false);
  const to = Math.max(align(end, true), from + STATISTICS_EVERY_MS);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** The anomaly's properties the twin's model has (a multivariate finding may name many). */
export function modelledProperties(properties: readonly string[], model: TwinModel | undefined) {
  if (!model) return [];
  return [...new Set(properties)]
    .filter((p) => ownValue(model.properties, p) !== undefined)
    .slice(0, FACT_LIMITS.properties);
}

const who = (t: TwinState) => ({
  twinId: t.twinId,
  name: t.name,
  twinType: t.twinType,
  level: t.level,
  status: t.status,
});

/**
 * The data block of an explanation ask (docs/ai.md "Explain an anomaly"): Twinlog's facts
 * about the episode, all of them plant data for the model to reason about, quoted as such.
 */
export function explanationFacts(input: ExplanationFactsInput): Record<string, unknown> {
  const { detected, cleared, twin, model } = input;
  const escalations = input.escalations ?? [];
  const properties = [...new Set(detected.data.properties)].slice(0, FACT_LIMITS.properties);
  const propertyFacts: Record<string, unknown> = {};
  const current: Record<string, unknown> = {};
  for (const property of properties) {
    const spec = model ? ownValue(model.properties, property) : undefined;
    propertyFacts[property] = {
      unit: spec?.unit ?? null,
      description: spec?.description ?? null,
      // The twin's own limits (changed by LimitsChanged) before its model's defaults.
      limits: ownValue(twin.limits, property) ?? spec?.limits ?? {},
      physicalRange: spec?.physicalRange ?? null,
    };
    const reported = ownValue(twin.reported, property);
    if (reported) current[property] = reported;
  }
  return {
    anomaly: {
      episodeId: detected.data.episodeId,
      detector: detected.data.detector,
      properties: detected.data.properties,
      score: detected.data.score,
      // The worst so far; how it opened and each rise after, when it rose.
      severity: escalations.at(-1)?.data.severity ?? detected.data.severity,
      evidence: detected.data.evidence,
      ...(escalations.length > 0
        ? {
            openedWith: detected.data.severity,
            raised: escalations.map((e) => ({
              severity: e.data.severity,
              score: e.data.score,
              evidence: e.data.evidence,
              at: e.occurredAt,
            })),
          }
        : {}),
      detectedAt: detected.occurredAt,
      clearedAt: cleared?.occurredAt ?? null,
      open: cleared === undefined,
    },
    twin: {
      ...who(twin),
      modelVersion: twin.modelVersion,
      site: twin.site,
      lastMaintenance: twin.lastMaintenance,
    },
    model: { twinType: twin.twinType, version: twin.modelVersion, properties: propertyFacts },
    currentValues: current,
    recentStatistics: {
      from: input.statistics.from,
      to: input.statistics.to,
      windowSeconds: input.statistics.everyMs / 1000,
      series: input.statistics.series.map((s) => ({
        property: s.property,
        unit: s.unit,
        windows: s.windows.slice(-FACT_LIMITS.windows),
      })),
    },
    hierarchy: {
      ancestors: input.ancestors.slice(0, FACT_LIMITS.ancestors).map(who),
      parent: input.parent ? who(input.parent) : null,
      siblings: input.siblings.slice(0, FACT_LIMITS.siblings).map(who),
      siblingCount: input.siblings.length,
      children: input.children,
    },
    relatedAnomalies: input.related
      .filter((e) => e.episodeId !== detected.data.episodeId)
      .slice(0, FACT_LIMITS.related)
      .map((e) => ({
        twinId: e.twinId,
        relation: e.twinId === input.parent?.twinId ? 'parent' : 'sibling',
        detector: e.detector,
        properties: e.properties,
        severity: e.severity,
        detectedAt: e.detectedAt,
        clearedAt: e.clearedAt,
      })),
  };
}
