import { randomUUID } from 'node:crypto';
import type { TelemetryPoint, TelemetryStore } from '../telemetry-store.port';

/** The semantics both telemetry stores share, run unchanged against each. */
export function describeTelemetryStoreContract(
  name: string,
  open: () => Promise<TelemetryStore>,
): void {
  describe(`TelemetryStore contract: ${name}`, () => {
    let store: TelemetryStore;
    const base = Date.parse('2026-11-01T00:00:00.000Z');
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    const point = (twinId: string, property: string, value: number, s: number): TelemetryPoint => ({
      twinId,
      twinType: 'cnc-milling-machine',
      site: 'plant-a',
      property,
      value,
      time: at(s),
    });

    beforeAll(async () => {
      store = await open();
    });
    afterAll(async () => {
      await store?.close();
    });

    it('returns a twin series in time order within [from, to)', async () => {
      const twin = `m-${randomUUID()}`;
      await store.write([
        point(twin, 'temperature', 41, 20),
        point(twin, 'temperature', 40, 10),
        point(twin, 'vibration', 2.5, 15),
        point(twin, 'temperature', 42, 30),
      ]);
      expect(await store.query({ twinId: twin, from: at(10), to: at(30) })).toEqual([
        { property: 'temperature', time: at(10), value: 40 },
        { property: 'vibration', time: at(15), value: 2.5 },
        { property: 'temperature', time: at(20), value: 41 },
      ]);
      expect(
        (
          await store.query({ twinId: twin, properties: ['vibration'], from: at(0), to: at(100) })
        ).map((p) => p.value),
      ).toEqual([2.5]);
    });

    it('keeps one value per twin, property and time: writing it again replaces it', async () => {
      const twin = `m-${randomUUID()}`;
      await store.write([point(twin, 'temperature', 40, 10)]);
      await store.write([point(twin, 'temperature', 40, 10), point(twin, 'temperature', 45, 10)]);
      expect(await store.query({ twinId: twin, from: at(0), to: at(100) })).toEqual([
        { property: 'temperature', time: at(10), value: 45 },
      ]);
    });

    it('keeps twins apart, even with ids holding quotes, spaces, commas and equals signs', async () => {
      const twin = `m "${randomUUID()}",a=b) or (r`;
      await store.write([
        point(twin, 'temperature', 1, 1),
        point(`other-${randomUUID()}`, 'temperature', 2, 1),
      ]);
      expect(
        (await store.query({ twinId: twin, from: at(0), to: at(10) })).map((p) => p.value),
      ).toEqual([1]);
    });

    it('writes a large batch', async () => {
      const twin = `m-${randomUUID()}`;
      await store.write(Array.from({ length: 12_000 }, (_, i) => point(twin, 'temperature', i, i)));
      expect(await store.query({ twinId: twin, from: at(0), to: at(20_000) })).toHaveLength(12_000);
    });
  });
}
