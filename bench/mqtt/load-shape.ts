/** What the load generator publishes: n messages of `readingsPerMessage` readings over twins. */
export interface LoadShape {
  run: string;
  twinIds: string[];
  site: string;
  readingsPerMessage: number;
  /** One reading per message in the compact per-property form: `{site}/{twinId}/{property}`, `{ v, t, id }`. */
  propertyForm?: boolean;
  /**
   * Epoch ms of the first sample's time. A machine samples all its properties at once: reading k
   * is of sample k / 4 (four properties), 1 ms apart, so a message's readings share a few times.
   */
  startMs: number;
}

// The seed CNC model's properties, with values inside their physical ranges.
const PROPERTIES: Array<[name: string, base: number, spread: number]> = [
  ['temperature', 40, 20],
  ['vibration', 1.5, 2],
  ['spindle_speed', 8000, 4000],
  ['power_consumption', 10, 8],
];

/**
 * Message n: `{ "readings": [...] }` for twin n mod twins on `plant/{site}/{twinId}/telemetry`,
 * reading ids `{run}-{k}` for k in [n·r, n·r + r), so every reading of the run has its own id.
 */
export function readingsOfMessage(shape: LoadShape, n: number): { topic: string; payload: string } {
  const twinId = shape.twinIds[n % shape.twinIds.length]!;
  if (shape.propertyForm) {
    const [property, base, spread] = PROPERTIES[n % PROPERTIES.length]!;
    const value = base + ((n * 7919) % 1000) * (spread / 1000);
    const time = new Date(shape.startMs + Math.floor(n / PROPERTIES.length)).toISOString();
    return {
      topic: `plant/${shape.site}/${twinId}/${property}`,
      payload: `{"v":${value},"t":"${time}","id":"${shape.run}-${n}"}`,
    };
  }
  const readings: string[] = [];
  for (let j = 0; j < shape.readingsPerMessage; j++) {
    const k = n * shape.readingsPerMessage + j;
    const [property, base, spread] = PROPERTIES[k % PROPERTIES.length]!;
    const value = base + ((k * 7919) % 1000) * (spread / 1000);
    const time = new Date(shape.startMs + Math.floor(k / PROPERTIES.length)).toISOString();
    readings.push(
      `{"property":"${property}","value":${value},"time":"${time}","readingId":"${shape.run}-${k}"}`,
    );
  }
  return {
    topic: `plant/${shape.site}/${twinId}/telemetry`,
    payload: shape.readingsPerMessage === 1 ? readings[0]! : `{"readings":[${readings.join(',')}]}`,
  };
}
