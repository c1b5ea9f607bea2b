import { CURRENT_SCHEMA_VERSION, type EventEnvelope, type TwinEvent } from '@twinlog/domain';
import { TwinDirectory } from './twin-directory';

let revision = 0;
function envelope(twinId: string, event: TwinEvent): EventEnvelope {
  const at = '2026-12-06T10:00:00.000Z';
  revision += 1;
  return {
    ...event,
    id: `e-${revision}`,
    twinId,
    schemaVersion: CURRENT_SCHEMA_VERSION[event.type],
    occurredAt: at,
    recordedAt: at,
    correlationId: `c-${revision}`,
    causationId: null,
    producer: 'test',
    revision,
  } as EventEnvelope;
}
const registered = (twinId: string) =>
  envelope(twinId, {
    type: 'TwinRegistered',
    data: {
      twinType: 'cnc-milling-machine',
      modelVersion: 1,
      level: 'asset',
      parentId: null,
      site: 'plant-a',
      name: null,
      limits: {},
    },
  });
const retired = (twinId: string) =>
  envelope(twinId, { type: 'TwinRetired', data: { reason: 'test' } });

describe('TwinDirectory', () => {
  it('folds registrations and retirements; folding the same events again changes nothing', () => {
    const directory = new TwinDirectory();
    const events = [registered('m1'), registered('m2')];
    directory.apply(events);
    directory.apply(events);
    expect(directory.size).toBe(2);
    directory.apply([retired('m1')]);
    expect(directory.get('m1')?.status).toBe('retired');
  });

  it('waitFor answers once the registration arrives, and undefined after the wait', async () => {
    const directory = new TwinDirectory();
    const waiting = directory.waitFor('late', 5_000);
    setTimeout(() => directory.apply([registered('late')]), 10);
    expect((await waiting)?.twinId).toBe('late');
    expect(await directory.waitFor('never', 20)).toBeUndefined();
  });
});
