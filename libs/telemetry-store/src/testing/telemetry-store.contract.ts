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

    describe('downsample', () => {
      const twin = `m-${randomUUID()}`;
      const ask = (properties: string[], from: number, to: number, everyS = 60) =>
        store.downsample({
          twinIds: [twin],
          properties,
          from: at(from),
          to: at(to),
          everyMs: everyS * 1000,
        });

      beforeAll(async () => {
        // base is aligned to the epoch in minutes; windows [0, 60), [60, 120), [120, 180) s.
        await store.write([
          point(twin, 'temperature', 40, 59), // written before the earlier points: last is by time
          point(twin, 'temperature', 10, 0), // on the first window's start
          point(twin, 'temperature', 20, 30),
          point(twin, 'temperature', 30, 60), // on a bound: the second window's, not the first's
          point(twin, 'temperature', 5, 150),
          point(twin, 'temperature', 7, 179.999),
          point(twin, 'vibration', 0.1, 1),
          point(twin, 'vibration', 0.2, 2),
          point(twin, 'vibration', 0.3, 3),
        ]);
      });

      it('answers mean, min, max, last and count per epoch-aligned window, empty ones left out', async () => {
        expect(await ask(['temperature'], 0, 180)).toEqual([
          {
            twinId: twin,
            property: 'temperature',
            windows: [
              { start: at(0), mean: 23.3333333333, min: 10, max: 40, last: 40, count: 3 },
              { start: at(60), mean: 30, min: 30, max: 30, last: 30, count: 1 },
              { start: at(120), mean: 6, min: 5, max: 7, last: 7, count: 2 },
            ],
          },
        ]);
      });

      it('labels a window by its aligned start when from and to cut it, holding only [from, to)', async () => {
        expect((await ask(['temperature'], 30, 150))[0]!.windows).toEqual([
          { start: at(0), mean: 30, min: 20, max: 40, last: 40, count: 2 },
          { start: at(60), mean: 30, min: 30, max: 30, last: 30, count: 1 },
        ]);
        // A window that ends exactly at `to` keeps none of the next one's points.
        expect((await ask(['temperature'], 0, 60))[0]!.windows).toHaveLength(1);
      });

      it('rounds the mean (sum / count) to 12 significant digits', async () => {
        const [series] = await ask(['vibration'], 0, 60);
        expect(series!.windows).toEqual([
          { start: at(0), mean: 0.2, min: 0.1, max: 0.3, last: 0.3, count: 3 },
        ]);
      });

      it('answers several properties in the order asked, and none for a property without points', async () => {
        const answer = await ask(['vibration', 'spindle_speed', 'temperature'], 0, 180, 3600);
        expect(answer.map((s) => [s.property, s.windows.length])).toEqual([
          ['vibration', 1],
          ['spindle_speed', 0],
          ['temperature', 1],
        ]);
        expect(answer[2]!.windows[0]).toEqual({
          start: at(0),
          mean: 18.6666666667,
          min: 5,
          max: 40,
          last: 7,
          count: 6,
        });
      });

      it('refuses more windows per series than MAX_STORE_WINDOWS instead of walking them', async () => {
        await expect(
          store.downsample({
            twinIds: [twin],
            properties: ['temperature'],
            from: at(0),
            to: at(100_001),
            everyMs: 1000,
          }),
        ).rejects.toThrow(/100001 windows per series asked; at most 100000/);
        expect((await ask(['temperature'], 0, 100_000, 1))[0]!.windows).toHaveLength(6);
      });

      it('keeps twins apart, ids with quotes and Flux syntax included', async () => {
        const hostile = `m") or (r._value > 0 or r.twin_id == "${randomUUID()}`;
        await store.write([point(hostile, 'temperature', 99, 10)]);
        const answer = await store.downsample({
          twinIds: [hostile, twin],
          properties: ['temperature'],
          from: at(0),
          to: at(60),
          everyMs: 60_000,
        });
        expect(answer.map((s) => [s.twinId, s.windows.map((w) => w.count)])).toEqual([
          [hostile, [1]],
          [twin, [3]],
        ]);
      });
    });
  });
}
