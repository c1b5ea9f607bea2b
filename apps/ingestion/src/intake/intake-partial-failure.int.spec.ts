import { randomUUID } from 'node:crypto';
import { minutesAgo, startHarness, type Harness } from '../testing/ingestion-harness';
import { LogUnavailableError } from '@twinlog/service-kit';
import { ReadingIntake } from './reading-intake.service';

const MILL = `partial-${randomUUID().slice(0, 8)}`;

/**
 * The append of a batch's readings succeeded but a dead letter of the same batch did not: the
 * caller (an MQTT batch, an HTTP client after its 503) sends the batch again, and the readings
 * already in the log must be answered as duplicates, not appended a second time.
 */
describe('an intake whose append succeeded while a dead letter failed', () => {
  jest.setTimeout(60_000);
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness([{ twinId: MILL, twinType: 'cnc-milling-machine', site: 'plant-a' }]);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await h?.close();
  });

  it('keeps the appended readings claimed, so the resend is a duplicate', async () => {
    const intake = h.service.app.get(ReadingIntake);
    const batch = [
      { twinId: MILL, property: 'temperature', value: 41, time: minutesAgo(2) },
      { twinId: MILL, property: 'temperature', value: 'hot', time: minutesAgo(1) },
    ];
    const origin = { channel: 'mqtt' as const, detail: 'test', correlationId: randomUUID() };
    jest
      .spyOn(h.infra.log, 'deadLetter')
      .mockRejectedValueOnce(new Error('dead-letter partition offline'));
    await expect(intake.accept(batch, origin)).rejects.toBeInstanceOf(LogUnavailableError);

    const again = await intake.accept(batch, origin);
    expect(again).toMatchObject({ accepted: 0, duplicates: 1, rejected: 1 });
    const events = await h.infra.log.readStream(MILL, { streams: ['telemetry'] });
    const values = events.flatMap((e) =>
      e.type === 'TelemetryReported' ? e.data.readings.map((r) => r.value) : [],
    );
    expect(values).toEqual([41]);
  });
});
