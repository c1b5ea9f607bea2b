import { httpBatch, laneTwins, mqttMessage, type PlantShape } from './plant-load';

const shape: PlantShape = {
  run: 'r1',
  site: 'bench',
  twinIds: Array.from({ length: 10 }, (_, i) => `t${i}`),
  startMs: Date.UTC(2026, 0, 1),
};

describe('the plant load', () => {
  it('gives the lanes different machines', () => {
    const http = laneTwins(shape, 'http');
    const mqtt = laneTwins(shape, 'mqtt');
    expect(http).toHaveLength(5);
    expect(mqtt).toHaveLength(5);
    expect(http.filter((t) => mqtt.includes(t))).toEqual([]);
  });

  it('never sends two readings that would be the same InfluxDB point, nor the same id', () => {
    const twins = laneTwins(shape, 'http');
    const readings = [0, 1, 2, 3].flatMap((b) => httpBatch(shape, twins, b, 50, 3));
    const points = new Set(readings.map((r) => `${r.twinId}/${r.property}/${r.time}`));
    expect(points.size).toBe(readings.length);
    expect(new Set(readings.map((r) => r.readingId)).size).toBe(readings.length);
    // A batch covers its group of machines, several readings each.
    expect(new Set(httpBatch(shape, twins, 0, 50, 3).map((r) => r.twinId)).size).toBe(3);
  });

  it('puts one machine per MQTT message, on the topic ingestion subscribes to', () => {
    const twins = laneTwins(shape, 'mqtt');
    const { topic, payload } = mqttMessage(shape, twins, 6, 4);
    expect(topic).toBe('plant/bench/t3/telemetry');
    const body = JSON.parse(payload) as {
      readings: Array<{ property: string; readingId: string }>;
    };
    expect(body.readings.map((r) => r.property)).toEqual([
      'temperature',
      'vibration',
      'spindle_speed',
      'power_consumption',
    ]);
    expect(body.readings[0]!.readingId).toBe('r1-mqtt-24');
  });

  it("puts the peer's messages under their own topic root, so Twinlog's ingestion never reads them", () => {
    const twins = laneTwins(shape, 'mqtt');
    expect(mqttMessage({ ...shape, topicRoot: 'peer-r1' }, twins, 6, 4).topic).toBe(
      'peer-r1/bench/t3/telemetry',
    );
  });

  it('gives every reading of an MQTT-only load its own InfluxDB point, over all twins', () => {
    const points = new Set<string>();
    let readings = 0;
    for (let m = 0; m < 40; m++) {
      const { topic, payload } = mqttMessage(shape, shape.twinIds, m, 10);
      const twin = topic.split('/')[2];
      for (const r of (
        JSON.parse(payload) as { readings: Array<{ property: string; time: string }> }
      ).readings) {
        points.add(`${twin}/${r.property}/${r.time}`);
        readings++;
      }
    }
    expect(points.size).toBe(readings);
  });
});
