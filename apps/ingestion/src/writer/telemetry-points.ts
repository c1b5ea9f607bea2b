import type { EventEnvelope } from '@twinlog/domain';
import type { TelemetryPoint } from '@twinlog/telemetry-store';

export interface TwinTags {
  twinType: string;
  site: string | null;
}

/** The time-series points of a batch of telemetry events; `tagsOf` names each twin's type and site. */
export function telemetryPoints(
  events: EventEnvelope[],
  tagsOf: (twinId: string) => TwinTags | undefined,
): TelemetryPoint[] {
  const points: TelemetryPoint[] = [];
  for (const event of events) {
    if (event.type !== 'TelemetryReported') continue;
    const tags = tagsOf(event.twinId);
    if (!tags) {
      // The directory lags the telemetry stream for a twin registered moments ago: try again
      // shortly (a plain Error is retried; the offset stays uncommitted meanwhile).
      throw new Error(`twin ${event.twinId} is not in the directory yet`);
    }
    for (const r of event.data.readings) {
      points.push({
        twinId: event.twinId,
        ...tags,
        property: r.property,
        value: r.value,
        time: r.occurredAt,
      });
    }
  }
  return points;
}
