/**
 * The plant the load generator plays: `twins` machines, each sampling a few properties. Twins
 * are split between lanes (HTTP gateways and MQTT gateways send for different machines, as in a
 * plant), and each lane numbers its readings c = 0, 1, 2, ...: reading c is property c mod 4 of
 * sample c / 4, 1 ms apart, so every (twin, property, time) is a point of its own in InfluxDB
 * and no point overwrites another.
 */
export interface PlantShape {
  run: string;
  site: string;
  twinIds: string[];
  /** Epoch ms of the first sample. */
  startMs: number;
  /** The MQTT topics' first level (default `plant`): the TIG peer's readings have their own. */
  topicRoot?: string;
}

export type Lane = 'http' | 'mqtt';
export const LANES: readonly Lane[] = ['http', 'mqtt'];

export interface Reading {
  twinId: string;
  property: string;
  value: number;
  time: string;
  readingId: string;
}

// The seed CNC model's properties, with values inside their physical ranges.
export const PROPERTIES: ReadonlyArray<[name: string, base: number, spread: number]> = [
  ['temperature', 40, 20],
  ['vibration', 1.5, 2],
  ['spindle_speed', 8000, 4000],
  ['power_consumption', 10, 8],
];

/** The lane's own machines: every other twin. */
export function laneTwins(shape: PlantShape, lane: Lane): string[] {
  const l = LANES.indexOf(lane);
  return shape.twinIds.filter((_, i) => i % LANES.length === l);
}

/** Reading c of a lane, for a twin of the lane's. */
export function reading(shape: PlantShape, lane: Lane, c: number, twinId: string): Reading {
  const [property, base, spread] = PROPERTIES[c % PROPERTIES.length]!;
  return {
    twinId,
    property,
    value: base + ((c * 7919) % 1000) * (spread / 1000),
    time: new Date(shape.startMs + Math.floor(c / PROPERTIES.length)).toISOString(),
    readingId: `${shape.run}-${lane}-${c}`,
  };
}

/**
 * HTTP batch b of `size` readings: a plant gateway's batch covers a group of `twinsPerBatch`
 * machines, several readings each.
 */
export function httpBatch(
  shape: PlantShape,
  twins: string[],
  b: number,
  size: number,
  twinsPerBatch: number,
): Reading[] {
  return Array.from({ length: size }, (_, i) =>
    reading(
      shape,
      'http',
      b * size + i,
      twins[(b * twinsPerBatch + (i % twinsPerBatch)) % twins.length]!,
    ),
  );
}

/** MQTT message m: `perMessage` readings of one machine on `{topicRoot}/{site}/{twinId}/telemetry`. */
export function mqttMessage(
  shape: PlantShape,
  twins: string[],
  m: number,
  perMessage: number,
): { topic: string; payload: string } {
  const twinId = twins[m % twins.length]!;
  const readings = Array.from({ length: perMessage }, (_, j) => {
    const { twinId: _t, ...r } = reading(shape, 'mqtt', m * perMessage + j, twinId);
    return r;
  });
  return {
    topic: `${shape.topicRoot ?? 'plant'}/${shape.site}/${twinId}/telemetry`,
    payload: JSON.stringify({ readings }),
  };
}
