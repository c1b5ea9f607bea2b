import { describeStorage, type EmbeddedStorage } from './commands/storage.command';

const report = (overrides: Partial<EmbeddedStorage> = {}): EmbeddedStorage => ({
  mode: 'embedded',
  dataDir: '/data',
  bytesOnDisk: 46_000_000,
  readings: 1_000_000,
  bytesPerReading: 46,
  files: [{ file: 'events.sqlite', bytes: 40_000_000, holds: 'event log' }],
  telemetryLog: {
    retentionDays: 7,
    keptFrom: '2026-12-01T00:00:00.000Z',
    events: 90_000,
    keptForCurrentValues: 12,
    freeBytesInFile: 0,
    furthestBehind: null,
  },
  cap: { bytes: 50_000_000, status: 'warning' },
  ...overrides,
});

describe('twinlog storage', () => {
  it('prints the contract line "bytes per reading: N" that other tools read', () => {
    const lines = describeStorage(report());
    expect(lines).toContain('bytes per reading: 46.0');
    expect(lines.filter((l) => /^bytes per reading: \d+(\.\d+)?$/.test(l))).toHaveLength(1);
  });

  it('says what retention and the cap will keep, and warns near the cap', () => {
    const text = describeStorage(report()).join('\n');
    expect(text).toMatch(/keeps 7 days whole, whole from 2026-12-01T00:00:00.000Z/);
    expect(text).toMatch(/12 older events kept: they hold a current value/);
    expect(text).toMatch(/size cap 50\.0 MB: 92% used, WARNING: near the cap/);
    expect(text).toMatch(/92% used, WARNING: near the cap/);
  });

  it('has no number to give before the first reading, and says so', () => {
    const lines = describeStorage(report({ readings: 0, bytesPerReading: null }));
    expect(lines).toContain('bytes per reading: n/a (no readings yet)');
  });
});
