import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteTelemetryStore } from './sqlite-telemetry-store';

const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

describe('embedded telemetry store: recent rows and sealed blocks', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ts-store-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('answers every point as last written, late and rewritten ones included, across seals and a reopen', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Batches of one twin's two properties: 300 new points each, then some written again or
        // late (anywhere in what came before), so seals merge rows into blocks they overlap.
        fc.array(
          fc.array(
            fc.tuple(
              fc.constantFrom('t', 'p'),
              fc.nat(1_000_000),
              fc.integer({ min: -5e6, max: 5e6 }),
            ),
            { maxLength: 60 },
          ),
          { minLength: 1, maxLength: 10 },
        ),
        fc.nat(4_000),
        fc.nat(4_000),
        async (batches, a, b) => {
          const path = join(dir, `${Math.random()}.sqlite`);
          let store = SqliteTelemetryStore.open(path);
          const model = new Map<string, number>();
          let clock = 0;
          for (const [n, again] of batches.entries()) {
            const points = [];
            for (let i = 0; i < 300; i++, clock++)
              points.push({ property: i % 2 ? 't' : 'p', time: clock * 1000, value: n * 1000 + i });
            for (const [property, at, value] of again)
              points.push({ property, time: (at % (clock + 1)) * 1000, value: value / 1000 });
            for (const p of points) model.set(`${p.property}|${p.time}`, p.value);
            await store.write(
              points.map((p) => ({
                twinId: 'm',
                twinType: 'mill',
                site: null,
                property: p.property,
                value: p.value,
                time: iso(p.time),
              })),
            );
          }
          const expected = [...model.entries()]
            .map(([key, value]) => {
              const [property, time] = key.split('|');
              return { property: property!, ms: Number(time), value };
            })
            .sort((x, y) => x.ms - y.ms || x.property.localeCompare(y.property));
          const [from, to] = [Math.min(a, b) * 1000, (Math.max(a, b) + 1) * 1000];
          for (let round = 0; round < 2; round++) {
            const all = await store.query({ twinId: 'm', from: iso(0), to: iso(1e10) });
            expect(all).toEqual(
              expected.map((p) => ({ property: p.property, time: iso(p.ms), value: p.value })),
            );
            const part = await store.query({
              twinId: 'm',
              properties: ['t'],
              from: iso(from),
              to: iso(to),
            });
            expect(part.map((p) => p.time)).toEqual(
              expected
                .filter((p) => p.property === 't' && p.ms >= from && p.ms < to)
                .map((p) => iso(p.ms)),
            );
            expect(store.readingsHeld()).toBe(model.size);
            const [down] = await store.downsample({
              twinIds: ['m'],
              properties: ['p'],
              from: iso(0),
              to: iso(1e10),
              everyMs: 3_600_000,
            });
            const ps = expected.filter((p) => p.property === 'p');
            expect(down!.windows.reduce((n, w) => n + w.count, 0)).toBe(ps.length);
            if (ps.length > 0) expect(down!.windows.at(-1)!.last).toBe(ps.at(-1)!.value);
            await store.close();
            store = SqliteTelemetryStore.open(path);
          }
          await store.close();
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);

  it('merges a late point into the one block that covers it, leaving the others as they were', async () => {
    const path = join(dir, 'late.sqlite');
    const store = SqliteTelemetryStore.open(path);
    const point = (s: number, value: number) => ({
      twinId: 'm',
      twinType: 'mill',
      site: null,
      property: 't',
      value,
      time: iso(s * 1000),
    });
    let s = 0;
    const more = async (n: number) => {
      const points = [];
      for (let i = 0; i < n; i++, s++) points.push(point(s, s));
      await store.write(points);
    };
    await more(6_000);
    const blocks = () =>
      new DatabaseSync(path)
        .prepare('SELECT first_ms, last_ms, hex(data) AS data FROM blocks ORDER BY first_ms')
        .all()
        .map((b) => `${b['first_ms']}-${b['last_ms']}:${b['data']}`);
    const before = blocks();
    expect(before.length).toBeGreaterThanOrEqual(5);
    // A late value for second 1500 (sealed in the second block), then enough to seal again.
    await store.write([point(1_500, -1)]);
    await more(1_100);
    const after = blocks();
    const kept = before.filter((b) => after.includes(b));
    expect(kept).toHaveLength(before.length - 1);
    const [late] = await store.query({ twinId: 'm', from: iso(1_500_000), to: iso(1_501_000) });
    expect(late!.value).toBe(-1);
    expect(store.readingsHeld()).toBe(7_100);
    await store.close();
  });

  it('keeps a steady sensor in a few bytes a reading once sealed', async () => {
    const path = join(dir, 'steady.sqlite');
    const store = SqliteTelemetryStore.open(path);
    const properties = ['temperature', 'vibration', 'power'];
    for (let second = 0; second < 20_000; second += 100) {
      const points = [];
      for (let s = second; s < second + 100; s++)
        for (const [i, property] of properties.entries())
          points.push({
            twinId: `cnc-${s % 4}`,
            twinType: 'mill',
            site: 'plant',
            property,
            value: Math.round((50 + i * 10 + Math.sin(s / 300) * 5 + Math.random()) * 1000) / 1000,
            time: iso(s * 1000),
          });
      await store.write(points);
    }
    expect(store.readingsHeld()).toBe(60_000);
    await store.close();
    const db = new DatabaseSync(path);
    db.exec('PRAGMA wal_checkpoint(TRUNCATE); VACUUM;');
    const pages = Number(db.prepare('PRAGMA page_count').get()!['page_count']);
    const size = Number(db.prepare('PRAGMA page_size').get()!['page_size']);
    db.close();
    expect((pages * size) / 60_000).toBeLessThan(20);
  });

  it('moves a store of the earlier layout (a row per point) to this one, counting its points', async () => {
    const path = join(dir, 'old.sqlite');
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE telemetry (
        twin_id TEXT NOT NULL, property TEXT NOT NULL, time_ms INTEGER NOT NULL,
        value REAL NOT NULL, twin_type TEXT NOT NULL, site TEXT,
        PRIMARY KEY (twin_id, property, time_ms)) WITHOUT ROWID;`);
    const insert = db.prepare('INSERT INTO telemetry VALUES (?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < 3_000; i++)
      insert.run('__proto__', 'temperature', T0 + i * 1000, i / 10, 'mill', null);
    db.close();
    const lines: string[] = [];
    const store = SqliteTelemetryStore.open(path, (line) => lines.push(line));
    expect(lines.join()).toMatch(/3000 points moved/);
    expect(store.readingsHeld()).toBe(3_000);
    await store.write([
      {
        twinId: '__proto__',
        twinType: 'mill',
        site: null,
        property: 'temperature',
        value: 1,
        time: iso(0),
      },
    ]);
    expect(store.readingsHeld()).toBe(3_000);
    const points = await store.query({ twinId: '__proto__', from: iso(0), to: iso(3_000_000) });
    expect(points).toHaveLength(3_000);
    expect(points[0]!.value).toBe(1);
    expect(points[2_999]!.value).toBe(299.9);
    await store.close();
  });
});
