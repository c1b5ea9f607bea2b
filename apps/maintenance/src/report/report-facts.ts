import { MAINTENANCE_PRIORITIES, type TwinState } from '@twinlog/domain';
import type { HistoryEntry } from '../twins/component-history';

/**
 * The facts of a maintenance report (docs/ai.md#maintenance-report): numbered figures F1..Fn,
 * each a value Twinlog holds (a prediction, an open anomaly, a maintenance performed) with where
 * it comes from. The model cites them as {F3}; it never writes a number of its own. Pure: the
 * twins, their history and the time come in.
 */
export type FigureSource = { eventId: string; at: string } | { query: string; at: string };

export interface Figure {
  id: string;
  label: string;
  value: number | string;
  unit: string | null;
  twinId: string | null;
  source: FigureSource;
}

export type ReportScope = { kind: 'twin'; twinId: string } | { kind: 'site'; site: string };

export interface ReportFacts {
  scope: ReportScope;
  figures: Figure[];
}

export interface FactsInput {
  scope: ReportScope;
  /** The twins of the scope the caller may see, the scope's own twin (if any) first. */
  twins: readonly TwinState[];
  history: (twinId: string) => readonly HistoryEntry[];
  /** Epoch ms: the report's time ("recent" is the 30 days before it). */
  now: number;
}

/** How far back "recent maintenance" reaches. */
export const RECENT_DAYS = 30;
/** Bounds on what one report details, so a large site stays one readable report (and ask). */
export const REPORT_LIMITS = { twins: 20, anomalies: 20, maintenance: 20 } as const;

const DAY_MS = 86_400_000;
const SINGULAR = { twins: 'twin', anomalies: 'anomaly', times: 'time' } as const;

export function buildReportFacts(input: FactsInput): ReportFacts {
  const figures: Figure[] = [];
  const at = new Date(input.now).toISOString();
  const add = (figure: Omit<Figure, 'id'>) =>
    figures.push({ id: `F${figures.length + 1}`, ...figure });
  const scopeQuery = scopeText(input.scope);
  // The unit agrees with the count ("1 twin", "2 twins"): the model cannot write the number.
  const counted = (label: string, value: number, unit: keyof typeof SINGULAR) =>
    add({
      label,
      value,
      unit: value === 1 ? SINGULAR[unit] : unit,
      twinId: scopeTwin(input.scope),
      source: { query: scopeQuery, at },
    });

  const since = input.now - RECENT_DAYS * DAY_MS;
  const predicted = input.twins.filter((t) => t.maintenancePrediction);
  const anomalies = input.twins.flatMap((twin) =>
    Object.values(twin.activeAnomalies).map((anomaly) => ({ twin, anomaly })),
  );
  const maintenance = input.twins.flatMap((twin) =>
    input
      .history(twin.twinId)
      .filter((e): e is Extract<HistoryEntry, { kind: 'maintained' }> => e.kind === 'maintained')
      .filter((e) => e.at >= since && e.at <= input.now)
      .map((entry) => ({ twin, entry })),
  );

  add(
    input.scope.kind === 'site'
      ? {
          label: 'site',
          value: input.scope.site,
          unit: null,
          twinId: null,
          source: { query: scopeQuery, at },
        }
      : {
          label: 'twin reported on',
          value: nameOf(input.twins[0]),
          unit: null,
          twinId: input.scope.twinId,
          source: { query: scopeQuery, at },
        },
  );
  counted('twins in the report', input.twins.length, 'twins');
  counted('twins with a maintenance prediction', predicted.length, 'twins');
  counted('open anomalies', anomalies.length, 'anomalies');
  counted(`maintenance performed in the last ${RECENT_DAYS} days`, maintenance.length, 'times');

  const urgent = [...predicted].sort(byUrgency);
  for (const twin of urgent.slice(0, REPORT_LIMITS.twins)) predictionFigures(twin, add);
  if (urgent.length > REPORT_LIMITS.twins)
    counted(
      'predicted twins not detailed (the least urgent)',
      urgent.length - REPORT_LIMITS.twins,
      'twins',
    );

  const newestFirst = anomalies.sort((a, b) => b.anomaly.since.localeCompare(a.anomaly.since));
  for (const { twin, anomaly } of newestFirst.slice(0, REPORT_LIMITS.anomalies)) {
    const detected = input
      .history(twin.twinId)
      .find((e) => e.kind === 'anomaly-detected' && e.episodeId === anomaly.episodeId);
    const source: FigureSource =
      detected?.kind === 'anomaly-detected' && detected.eventId
        ? { eventId: detected.eventId, at: anomaly.since }
        : { query: `open anomaly ${anomaly.episodeId} of ${twin.twinId}`, at: anomaly.since };
    const what = `open anomaly on ${anomaly.properties.join(', ')} (${anomaly.detector})`;
    const fig = (label: string, value: string) =>
      add({ label: `${what}: ${label}`, value, unit: null, twinId: twin.twinId, source });
    fig('twin', nameOf(twin));
    // Property names may hold digits the model may not write: it cites them.
    fig('properties', anomaly.properties.join(', '));
    // A raised severity cites the escalation that raised it (the latest), not the detection.
    const raised = input
      .history(twin.twinId)
      .findLast((e) => e.kind === 'anomaly-escalated' && e.episodeId === anomaly.episodeId);
    if (raised?.kind === 'anomaly-escalated' && raised.eventId && anomaly.raisedAt)
      add({
        label: `${what}: severity`,
        value: anomaly.severity,
        unit: null,
        twinId: twin.twinId,
        source: { eventId: raised.eventId, at: anomaly.raisedAt },
      });
    else fig('severity', anomaly.severity);
    fig('open since', anomaly.since);
  }
  if (anomalies.length > REPORT_LIMITS.anomalies)
    counted(
      'open anomalies not detailed (the oldest)',
      anomalies.length - REPORT_LIMITS.anomalies,
      'anomalies',
    );

  const recent = maintenance.sort((a, b) => b.entry.at - a.entry.at);
  for (const { twin, entry } of recent.slice(0, REPORT_LIMITS.maintenance)) {
    const performedAt = new Date(entry.at).toISOString();
    const source: FigureSource = entry.eventId
      ? { eventId: entry.eventId, at: performedAt }
      : { query: `maintenance of ${twin.twinId}`, at: performedAt };
    const what = `maintenance performed (${entry.maintenance})`;
    add({ label: `${what}: twin`, value: nameOf(twin), unit: null, twinId: twin.twinId, source });
    add({ label: `${what}: at`, value: performedAt, unit: null, twinId: twin.twinId, source });
  }
  if (maintenance.length > REPORT_LIMITS.maintenance)
    counted(
      'maintenance not detailed (the oldest)',
      maintenance.length - REPORT_LIMITS.maintenance,
      'times',
    );

  return { scope: input.scope, figures };
}

function predictionFigures(twin: TwinState, add: (figure: Omit<Figure, 'id'>) => void): void {
  const p = twin.maintenancePrediction!;
  const source: FigureSource = { eventId: p.eventId, at: p.predictedAt };
  const fig = (label: string, value: number | string, unit: string | null = null) =>
    add({ label, value, unit, twinId: twin.twinId, source });
  fig('predicted twin', nameOf(twin));
  fig('health index (100 = as new, 0 = at its failure threshold)', round(p.healthIndex), '/100');
  if (p.beyondHorizon) {
    fig(
      'remaining useful life: at least (no failure expected within the horizon)',
      round(p.rulHours),
      'h',
    );
  } else {
    fig('remaining useful life, median (P50)', round(p.rulHours), 'h');
    fig('remaining useful life, early (P10)', round(p.rulLowHours), 'h');
    fig('remaining useful life, late (P90)', round(p.rulHighHours), 'h');
  }
  fig(`what drives the estimate`, p.basis);
  fig('maintenance priority', p.priority);
  if (p.maintenanceType) fig('recommended maintenance type', p.maintenanceType);
  if (p.action) fig('recommended action', p.action);
  fig('recommended window: start', p.window.from);
  fig('recommended window: end', p.window.to);
  if (p.downtimeHours !== undefined) fig('expected downtime', round(p.downtimeHours), 'h');
}

const RANK = new Map<string, number>(MAINTENANCE_PRIORITIES.map((p, i) => [p, i]));

/** Most urgent first: the worse priority, then the earlier P10 end of life, then the id. */
function byUrgency(a: TwinState, b: TwinState): number {
  const p = a.maintenancePrediction!;
  const q = b.maintenancePrediction!;
  return (
    (RANK.get(q.priority) ?? 0) - (RANK.get(p.priority) ?? 0) ||
    p.rulLowHours - q.rulLowHours ||
    a.twinId.localeCompare(b.twinId)
  );
}

function nameOf(twin: TwinState | undefined): string {
  if (!twin) return '';
  return twin.name ? `${twin.name} (${twin.twinId})` : twin.twinId;
}

function scopeTwin(scope: ReportScope): string | null {
  return scope.kind === 'twin' ? scope.twinId : null;
}

/** Where the report's own counts can be checked: the report's question. */
function scopeText(scope: ReportScope): string {
  return scope.kind === 'twin'
    ? `GET /v1/reports/maintenance?twin=${encodeURIComponent(scope.twinId)}`
    : `GET /v1/reports/maintenance?site=${encodeURIComponent(scope.site)}`;
}

/** One decimal: what the report shows is exactly the figure's value. */
function round(value: number): number {
  return Math.round(value * 10) / 10;
}
