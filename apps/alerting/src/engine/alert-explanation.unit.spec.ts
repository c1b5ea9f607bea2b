import { AlertsProjection, type EventEnvelope, type NewEvent } from '@twinlog/domain';
import type { EventLog, RecordedEvent } from '@twinlog/event-log';
import { readAlertingConfig } from '../config/alerting.config';
import { AlertTwins } from '../twins/alert-twins';
import { AlertDecisions } from './alert-decisions';
import { AlertingEngine } from './alerting-engine';
import { ChannelTargets } from './channel-targets';

// Alerting folds AnomalyExplained (issue 22, docs/ai.md) into the alert of its episode: shown
// with the alert, never decided on.

function memoryLog(): EventLog & { appended: NewEvent[] } {
  const appended: NewEvent[] = [];
  return {
    appended,
    append: async (events: NewEvent[]) => {
      const first = appended.length;
      appended.push(...events);
      return {
        appended: events.map((e, i) => ({
          id: e.id,
          position: { stream: 'alerts' as const, partition: 0, offset: first + i },
        })),
        duplicates: [],
      };
    },
  } as unknown as EventLog & { appended: NewEvent[] };
}

const envelope = (twinId: string, type: string, id: string, at: string, data: unknown) =>
  ({
    id,
    twinId,
    type,
    revision: 1,
    schemaVersion: 1,
    occurredAt: at,
    recordedAt: at,
    correlationId: 'c',
    causationId: null,
    producer: 'test',
    data,
  }) as unknown as EventEnvelope;

const registered = (twinId: string) =>
  envelope(twinId, 'TwinRegistered', `${twinId}/registered`, '2026-12-06T09:00:00.000Z', {
    twinType: 'cnc-milling-machine',
    modelVersion: 1,
    level: 'asset',
    parentId: null,
    site: 'plant-a',
    name: null,
    limits: {},
  });

const detected = (twinId: string, episodeId: string): RecordedEvent => ({
  position: { stream: 'twin-events', partition: 0, offset: 0 },
  event: envelope(twinId, 'AnomalyDetected', `${episodeId}/detected`, '2026-12-06T10:00:00.000Z', {
    episodeId,
    detector: 'limits',
    properties: ['temperature'],
    score: 0.9,
    severity: 'alarm',
    evidence: [],
  }),
});

const explained = (twinId: string, episodeId: string, at: string, summary: string) =>
  envelope(twinId, 'AnomalyExplained', `explained-${summary}`, at, {
    episodeId,
    anomalyEventId: `${episodeId}/detected`,
    summary,
    likelyCauses: [{ cause: 'coolant', why: 'heat' }],
    checkFirst: ['pump'],
    model: 'm',
    promptVersion: 'explain/1',
  });

async function setUp() {
  const log = memoryLog();
  const twins = new AlertTwins();
  twins.apply([registered('mill-1'), registered('mill-2')]);
  // A key of its own: no key file is made.
  const config = readAlertingConfig({
    ALERTING_DIRECTORY_WAIT_MS: '0',
    ALERTING_SECRET_KEY: 'ab'.repeat(32),
  });
  const clock = () => '2026-12-06T10:00:01.000Z';
  const projection = new AlertsProjection();
  const decisions = new AlertDecisions(log, clock, config, projection, twins);
  const engine = new AlertingEngine(decisions, new ChannelTargets(config, clock, projection));
  await decisions.onCauses([detected('mill-1', 'ep-1')]);
  const [alert] = engine.alerts({}, undefined);
  return { log, twins, decisions, engine, alertId: alert!.alertId };
}

describe("an anomaly's explanation on its alert", () => {
  it('is absent until explained, then the latest explanation of its episode, in the list and the detail', async () => {
    const { twins, engine, alertId } = await setUp();
    expect(engine.alert(alertId, undefined).explanation).toBeUndefined();
    twins.apply([
      explained('mill-1', 'ep-1', '2026-12-06T10:05:00.000Z', 'first'),
      explained('mill-1', 'ep-1', '2026-12-06T10:09:00.000Z', 'second'),
    ]);
    expect(engine.alert(alertId, undefined).explanation).toEqual({
      episodeId: 'ep-1',
      twinId: 'mill-1',
      eventId: 'explained-second',
      explainedAt: '2026-12-06T10:09:00.000Z',
      summary: 'second',
      likelyCauses: [{ cause: 'coolant', why: 'heat' }],
      checkFirst: ['pump'],
      model: 'm',
    });
    expect(engine.alerts({}, undefined)[0]!.explanation?.summary).toBe('second');
  });

  it("another twin's explanation of the same episode id, or of another episode, is not this alert's", async () => {
    const { twins, engine, alertId } = await setUp();
    twins.apply([
      explained('mill-2', 'ep-1', '2026-12-06T10:05:00.000Z', 'elsewhere'),
      explained('mill-1', 'ep-other', '2026-12-06T10:05:00.000Z', 'other'),
    ]);
    expect(engine.alert(alertId, undefined).explanation).toBeUndefined();
  });

  it('decides nothing: an AnomalyExplained on the causes feed appends no alert event', async () => {
    const { log, decisions } = await setUp();
    const before = log.appended.length;
    await decisions.onCauses([
      {
        position: { stream: 'twin-events', partition: 0, offset: 9 },
        event: explained('mill-1', 'ep-1', '2026-12-06T10:05:00.000Z', 'x'),
      },
    ]);
    expect(log.appended.length).toBe(before);
  });
});
