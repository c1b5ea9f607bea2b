import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, realServer } from '@twinlog/testing';
import { SqliteTelemetryStore } from './embedded/sqlite-telemetry-store';
import { InfluxTelemetryStore } from './influx/influx-telemetry-store';
import { describeTelemetryStoreContract } from './testing/telemetry-store.contract';

describeTelemetryStoreContract('embedded (node:sqlite)', async () =>
  SqliteTelemetryStore.open(join(mkdtempSync(join(tmpdir(), 'twinlog-tsdb-')), 'telemetry.sqlite')),
);
describeTelemetryStoreContract(
  'InfluxDB 2.x',
  async () => new InfluxTelemetryStore(realServer('influx')),
);

describe('InfluxDB telemetry store when InfluxDB is unreachable', () => {
  it('fails the write after its retries, so the caller keeps its offset and nothing is lost', async () => {
    const store = new InfluxTelemetryStore({
      url: `http://127.0.0.1:${await freePort()}`,
      token: 't',
      org: 'o',
      bucket: 'b',
      maxRetries: 1,
    });
    const write = store.write([
      {
        twinId: 'm-1',
        twinType: 'cnc-milling-machine',
        site: null,
        property: 'temperature',
        value: 1,
        time: new Date().toISOString(),
      },
    ]);
    await expect(write).rejects.toThrow(/InfluxDB write failed after 2 attempts/);
  });
});
