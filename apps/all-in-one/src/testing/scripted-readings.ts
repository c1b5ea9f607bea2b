import type { LoadReading } from './steady-load';

/**
 * Deterministic plant readings: per twin and second of event time, temperature, vibration,
 * spindle speed and power, noisy but normal, except each overheating twin's scripted window
 * over its alarm limit. The same options always give the same readings (ids included).
 */
export function scriptedReadings(options: {
  twins: readonly string[];
  seconds: number;
  startMs: number;
  overheat: Record<string, { from: number; to: number }>;
}): LoadReading[] {
  let seed = 11;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  const readings: LoadReading[] = [];
  for (let s = 0; s < options.seconds; s += 1) {
    const time = new Date(options.startMs + s * 1000).toISOString();
    for (const twinId of options.twins) {
      const hot = options.overheat[twinId];
      const values: Record<string, number> = {
        temperature: hot && s >= hot.from && s < hot.to ? 90 + noise() : 50 + 2 * noise(),
        // A slow climb, so the maintenance service has a trend to predict from.
        vibration: 1.2 + s * 0.002 + 0.1 * noise(),
        spindle_speed: 8000 + 100 * noise(),
        power_consumption: 9 + 0.5 * noise(),
      };
      for (const [property, value] of Object.entries(values))
        readings.push({ twinId, property, value, time, readingId: `${twinId}/${property}/${s}` });
    }
  }
  return readings;
}

/** A plain copy without what differs between two logs of the same input: ids, record times, revisions. */
export function withoutLogPositions(value: unknown): unknown {
  const DROP = new Set([
    'id',
    'eventId',
    'revision',
    'telemetryRevision',
    'recordedAt',
    'registeredAt',
    'predictedAt',
    'causationId',
    'correlationId',
  ]);
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  return JSON.parse(
    JSON.stringify(value, (key, v: unknown) =>
      DROP.has(key) ? undefined : typeof v === 'string' && UUID.test(v) ? '(id)' : v,
    ),
  );
}
