import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realServer } from '@twinlog/testing';
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
