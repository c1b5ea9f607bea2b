import { CURRENT_SCHEMA_VERSION, type NewEvent } from '@twinlog/domain';

const UNITS: Record<string, string> = {
  temperature: '°C',
  vibration: 'mm/s',
  spindle_speed: 'rpm',
  power_consumption: 'kW',
};

export interface ScriptOptions {
  twins: string[];
  seconds: number;
  /** Event time of the first reading, epoch ms. */
  start: number;
  /** Twins whose temperature goes over the alarm limit, and when (seconds from the start). */
  overheat?: Record<string, { from: number; to: number }>;
  seed?: number;
}

/**
 * Deterministic telemetry for CNC machines, one event per twin and second with four
 * readings: noisy but normal, except the scripted overheats. The same options always give
 * the same events (ids included), so two runs over the same input can be compared.
 */
export function telemetryScript(options: ScriptOptions): NewEvent[] {
  let seed = options.seed ?? 7;
  const noise = () => {
    // A small LCG: reproducible without a dependency.
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  const events: NewEvent[] = [];
  for (let s = 0; s < options.seconds; s += 1) {
    for (const twinId of options.twins) {
      const at = new Date(options.start + s * 1000).toISOString();
      const hot = options.overheat?.[twinId];
      const overheated = hot !== undefined && s >= hot.from && s < hot.to;
      const values: Record<string, number> = {
        temperature: overheated ? 90 + noise() : 50 + 2 * noise(),
        vibration: 1.5 + 0.2 * noise(),
        spindle_speed: 8000 + 100 * noise(),
        power_consumption: 9 + 0.5 * noise(),
      };
      events.push({
        id: `${twinId}/t${s}`,
        twinId,
        type: 'TelemetryReported',
        schemaVersion: CURRENT_SCHEMA_VERSION.TelemetryReported,
        occurredAt: at,
        recordedAt: at,
        correlationId: `${twinId}/t${s}`,
        causationId: null,
        producer: 'test',
        data: {
          readings: Object.entries(values).map(([property, value]) => ({
            readingId: `${twinId}/${property}/${s}`,
            property,
            value,
            unit: UNITS[property]!,
            occurredAt: at,
          })),
        },
      });
    }
  }
  return events;
}
