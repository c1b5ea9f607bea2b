import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The provisioned dashboard and what its Flux needs, for the tests (docs/grafana.md). */
export const DASHBOARD_FILE = join(
  __dirname,
  '../../../deploy/grafana/dashboards/twinlog-twin.json',
);

export interface DashboardVariable {
  name: string;
  type: string;
  /** A constant's value; a query variable's Flux (as Grafana 11 stores it: `{ query }`). */
  query: string | { query: string };
}

/** A variable's Flux or value, in either of the forms Grafana reads. */
export function queryOf(variable: DashboardVariable): string {
  return typeof variable.query === 'string' ? variable.query : variable.query.query;
}

export interface Dashboard {
  uid: string;
  templating: { list: DashboardVariable[] };
  panels: Array<{
    title: string;
    type: string;
    repeat?: string;
    datasource: { type: string; uid: string };
    targets: Array<{ refId: string; query: string; datasource: { type: string; uid: string } }>;
  }>;
}

export function loadDashboard(): Dashboard {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
}

/** Every Flux text of the dashboard: each query variable's, each panel target's. */
export function fluxOf(dashboard: Dashboard): Array<{ what: string; flux: string }> {
  return [
    ...dashboard.templating.list
      .filter((v) => v.type === 'query')
      .map((v) => ({ what: `variable ${v.name}`, flux: queryOf(v) })),
    ...dashboard.panels.flatMap((p) =>
      p.targets.map((t) => ({ what: `panel "${p.title}" ${t.refId}`, flux: t.query })),
    ),
  ];
}

/** The dashboard variables a Flux text names (`${name}`, `${name:format}`, `$name`). */
export function variablesIn(flux: string): string[] {
  const names = [...flux.matchAll(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g)].map((m) => m[1] ?? m[2]!);
  return [...new Set(names)];
}

/** The `v.` values Grafana provides that a Flux text uses. */
export function grafanaValuesIn(flux: string): string[] {
  return [...new Set([...flux.matchAll(/\bv\.(\w+)/g)].map((m) => m[1]!))];
}

/** What Grafana's InfluxDB (Flux) datasource replaces in a query before sending it. */
export interface GrafanaContext {
  variables: Record<string, string>;
  from: Date;
  to: Date;
  /** The panel's interval in seconds (`v.windowPeriod`). */
  windowSeconds: number;
}

/**
 * The Flux text as Grafana sends it: template variables interpolated (`:json` as a JSON
 * string), and the `v.` macros replaced as its Flux backend does (RFC 3339 times, a Go
 * duration for the window).
 */
export function asGrafanaSends(flux: string, context: GrafanaContext): string {
  const interpolated = flux.replace(
    /\$\{(\w+)(?::(\w+))?\}|\$(\w+)/g,
    (whole, braced: string | undefined, format: string | undefined, bare: string | undefined) => {
      const name = braced ?? bare!;
      const value = context.variables[name];
      if (value === undefined) throw new Error(`no value for dashboard variable ${name}`);
      if (format === undefined) return value;
      if (format === 'json') return JSON.stringify(value);
      throw new Error(`format ${format} of ${whole} is not one the dashboard should use`);
    },
  );
  return interpolated
    .replaceAll('v.timeRangeStart', context.from.toISOString())
    .replaceAll('v.timeRangeStop', context.to.toISOString())
    .replaceAll('v.windowPeriod', goDuration(context.windowSeconds));
}

function goDuration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}m${s}s` : `${s}s`;
}
