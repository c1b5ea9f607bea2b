// The anomaly service's limits detector as the health model sees it: one episode per property
// while its raw readings are outside normal, opened (or escalated) with the band's severity and
// cleared at the first normal reading. For benches that run the health model without the service.
import type { ComponentHealthModel } from '@twinlog/analytics';
import { bandOf, type HealthBand, type Limits, type Severity } from '@twinlog/domain';

const SEVERITY: Record<Exclude<HealthBand, 'normal'>, Severity> = {
  warning: 'warning',
  alarm: 'alarm',
  failure: 'critical',
};
const BANDS: HealthBand[] = ['normal', 'warning', 'alarm', 'failure'];
const SEVERITIES: Severity[] = ['info', 'warning', 'alarm', 'critical'];

export class LimitsEpisodes {
  private readonly open = new Map<string, { id: string; severity: Severity }>();
  private count = 0;

  constructor(
    private readonly twinId: string,
    private readonly limits: Record<string, Limits>,
    private readonly model: ComponentHealthModel,
  ) {}

  /** Tells the model of the episodes these readings open or clear; returns their worst band. */
  observe(readings: ReadonlyArray<{ property: string; value: number }>, at: number): HealthBand {
    let worst: HealthBand = 'normal';
    for (const r of readings) {
      const limits = this.limits[r.property];
      if (!limits) continue;
      const band = bandOf(r.value, limits);
      if (BANDS.indexOf(band) > BANDS.indexOf(worst)) worst = band;
      const open = this.open.get(r.property);
      if (band === 'normal') {
        if (open) this.model.anomalyCleared(open.id, at);
        this.open.delete(r.property);
        continue;
      }
      const severity = SEVERITY[band];
      if (open && SEVERITIES.indexOf(open.severity) >= SEVERITIES.indexOf(severity)) continue;
      const id = open?.id ?? `${this.twinId}/${r.property}/limits-${(this.count += 1)}`;
      this.model.anomalyDetected(id, severity, at, { detector: 'limits', properties: [r.property] });
      this.open.set(r.property, { id, severity });
    }
    return worst;
  }

  /** The worst severity open now. */
  get worstOpen(): Severity | undefined {
    return [...this.open.values()]
      .map((e) => e.severity)
      .sort((a, b) => SEVERITIES.indexOf(b) - SEVERITIES.indexOf(a))[0];
  }
}
