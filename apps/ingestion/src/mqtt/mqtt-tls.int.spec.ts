import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { eventually } from '@twinlog/event-log/testing';
import {
  freePort,
  jsonRequest,
  MQTT_TEST_USER,
  startThrowawayMosquitto,
  testCertificates,
  type MqttSettings,
  type ProvisionedServer,
} from '@twinlog/testing';
import type { MqttStatusView } from './mqtt-status.http.controller';
import { minutesAgo, startHarness, type Harness } from '../testing/ingestion-harness';

// A broker with a TLS listener whose certificate a CA of its own signed: ingestion trusts that
// CA from INGESTION_MQTT_TLS_CA_FILE, for its input session and its drop watcher alike.
describe('the MQTT input over TLS with a private CA', () => {
  const MILL = `mill-${randomUUID().slice(0, 8)}`;
  let broker: ProvisionedServer<MqttSettings>;
  let h: Harness;
  let publisher: MqttClient;

  beforeAll(async () => {
    const certificates = await testCertificates(
      mkdtempSync(join(tmpdir(), 'mqtt-tls-')),
      'mosquitto',
    );
    const tlsPort = await freePort();
    broker = await startThrowawayMosquitto({
      sys_interval: 1,
      listener: `${tlsPort} 127.0.0.1`,
      cafile: certificates.caFile,
      certfile: certificates.certFile,
      keyfile: certificates.keyFile,
    });
    h = await startHarness([{ twinId: MILL, twinType: 'cnc-milling-machine', site: 'plant-a' }], {
      MQTT_URL: `mqtts://127.0.0.1:${tlsPort}`,
      INGESTION_MQTT_USERNAME: MQTT_TEST_USER,
      INGESTION_MQTT_PASSWORD: broker.settings.users![MQTT_TEST_USER]!,
      INGESTION_MQTT_TLS_CA_FILE: certificates.caFile,
    });
    publisher = await connectAsync(broker.settings.url, { protocolVersion: 5 });
  });
  afterAll(async () => {
    await publisher?.endAsync();
    await h?.close();
    await broker?.stop();
  });

  it('takes readings and watches the broker’s counters over the TLS listener', async () => {
    await publisher.publishAsync(
      `plant-${h.id}/plant-a/${MILL}/telemetry`,
      JSON.stringify({ property: 'temperature', value: 55, time: minutesAgo(1) }),
      { qos: 1 },
    );
    await eventually(async () => {
      const events = await h.infra.log.readStream(MILL, { streams: ['telemetry'] });
      return events.some((e) => e.type === 'TelemetryReported');
    }, 'the reading, received over TLS');
    await eventually(async () => {
      const answer = await jsonRequest(h.service.url, 'GET', '/v1/ingestion/mqtt');
      return (answer.json as MqttStatusView).broker.state === 'watching';
    }, 'the drop watcher connected over TLS');
  });
});
