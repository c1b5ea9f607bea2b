import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadCompose } from '../compose-file';
import { REPO_ROOT } from '../entry-points';
import {
  asGrafanaSends,
  fluxOf,
  grafanaValuesIn,
  loadDashboard,
  queryOf,
  variablesIn,
} from './dashboard-flux';

// The provisioned Grafana dashboard (deploy/grafana, docs/grafana.md): valid, its Flux using
// only its own variables and Grafana's time macros, wired to the datasource compose provisions.
const dashboard = loadDashboard();
const provisioning = join(REPO_ROOT, 'deploy/grafana/provisioning');
const datasources = parse(
  readFileSync(join(provisioning, 'datasources/influxdb.yaml'), 'utf8'),
) as {
  datasources: Array<{
    uid: string;
    type: string;
    jsonData: Record<string, string>;
    secureJsonData: Record<string, string>;
  }>;
};

describe('the Grafana dashboard', () => {
  it('is a dashboard with a site, a twin and a property variable, and a panel per property', () => {
    expect(dashboard.uid).toBe('twinlog-twin');
    expect(dashboard.templating.list.map((v) => v.name)).toEqual([
      'bucket',
      'site',
      'twin',
      'property',
    ]);
    expect(dashboard.panels.map((p) => [p.type, p.repeat])).toEqual([['timeseries', 'property']]);
    expect(dashboard.panels[0]!.targets.map((t) => t.refId)).toEqual(['A', 'B']);
  });

  it("uses in each Flux only the dashboard's variables, defined before it, and Grafana's time macros", () => {
    const names = dashboard.templating.list.map((v) => v.name);
    for (const { what, flux } of fluxOf(dashboard)) {
      const own = what.startsWith('variable ') ? what.slice('variable '.length) : undefined;
      // A variable's query may use only those before it (Grafana resolves them in order).
      const usable = own ? names.slice(0, names.indexOf(own)) : names;
      expect([what, variablesIn(flux).filter((n) => !usable.includes(n))]).toEqual([what, []]);
      expect([
        what,
        grafanaValuesIn(flux).filter(
          (n) => !['timeRangeStart', 'timeRangeStop', 'windowPeriod'].includes(n),
        ),
      ]).toEqual([what, []]);
      // A value is quoted by Grafana's json format, never spliced into quotes by hand.
      expect([what, /"\$\{?\w+/.test(flux)]).toEqual([what, false]);
    }
  });

  it('is shown in docs/grafana.md: every Flux of the dashboard, as it is', () => {
    const docs = readFileSync(join(REPO_ROOT, 'docs/grafana.md'), 'utf8');
    for (const { what, flux } of fluxOf(dashboard))
      expect([what, docs.includes(`\`\`\`flux\n${flux}\n\`\`\``)]).toEqual([what, true]);
  });

  it('reads the provisioned InfluxDB (Flux) datasource, whose token comes from a secret file', () => {
    const [source] = datasources.datasources;
    expect(source).toMatchObject({
      type: 'influxdb',
      jsonData: { version: 'Flux', defaultBucket: 'telemetry' },
    });
    for (const panel of dashboard.panels) {
      expect(panel.datasource.uid).toBe(source!.uid);
      for (const target of panel.targets) expect(target.datasource.uid).toBe(source!.uid);
    }
    expect(source!.secureJsonData['token']).toBe('$__file{/run/secrets/grafana_influx_token}');
    const bucket = dashboard.templating.list.find((v) => v.name === 'bucket')!;
    expect(queryOf(bucket)).toBe(source!.jsonData['defaultBucket']);
  });

  it('is provisioned in docker-compose.yml: a pinned image on loopback, secrets from the environment', () => {
    const grafana = loadCompose().services.find((s) => s.name === 'grafana')!;
    expect(grafana.image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/);
    expect(grafana.ports).toEqual(['127.0.0.1:3000:3000']);
    expect(grafana.environment['GF_SECURITY_ADMIN_PASSWORD__FILE']).toBe(
      '/run/secrets/grafana_admin_password',
    );
    expect(Object.keys(grafana.environment).some((k) => k === 'GF_SECURITY_ADMIN_PASSWORD')).toBe(
      false,
    );
    expect(grafana.volumes).toEqual(
      expect.arrayContaining([
        './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
        './deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro',
      ]),
    );
    const compose = parse(readFileSync(join(REPO_ROOT, 'docker-compose.yml'), 'utf8')) as {
      services: { grafana: { secrets: string[] } };
      secrets: Record<string, { environment?: string }>;
    };
    for (const secret of compose.services.grafana.secrets)
      expect([secret, compose.secrets[secret]?.environment]).toEqual([
        secret,
        expect.stringMatching(/^TWINLOG_GRAFANA_/),
      ]);
    const provider = parse(readFileSync(join(provisioning, 'dashboards/twinlog.yaml'), 'utf8')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(provider.providers[0]!.options.path).toBe('/var/lib/grafana/dashboards');
  });

  it('is sent as Grafana sends it: variables as JSON strings, times as RFC 3339, the window as a duration', () => {
    const sent = asGrafanaSends(
      'from(bucket: ${bucket:json}) |> range(start: v.timeRangeStart, stop: v.timeRangeStop) |> filter(fn: (r) => r.twin_id == ${twin:json}) |> aggregateWindow(every: v.windowPeriod, fn: mean)',
      {
        variables: { bucket: 'telemetry', twin: 'a"b' },
        from: new Date('2026-01-01T00:00:00Z'),
        to: new Date('2026-01-01T01:00:00Z'),
        windowSeconds: 90,
      },
    );
    expect(sent).toBe(
      'from(bucket: "telemetry") |> range(start: 2026-01-01T00:00:00.000Z, stop: 2026-01-01T01:00:00.000Z) |> filter(fn: (r) => r.twin_id == "a\\"b") |> aggregateWindow(every: 1m30s, fn: mean)',
    );
    expect(() =>
      asGrafanaSends('${nobody}', {
        variables: {},
        from: new Date(),
        to: new Date(),
        windowSeconds: 1,
      }),
    ).toThrow(/nobody/);
  });
});
