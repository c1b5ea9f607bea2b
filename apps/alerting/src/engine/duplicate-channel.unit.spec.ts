import { AlertsProjection, isTwinlogError, type NewEvent } from '@twinlog/domain';
import type { EventLog } from '@twinlog/event-log';
import { readAlertingConfig } from '../config/alerting.config';
import { AlertTwins } from '../twins/alert-twins';
import { AlertDecisions } from './alert-decisions';
import { AlertingEngine } from './alerting-engine';
import { ChannelTargets } from './channel-targets';

// Review 20 #15: a retried POST /v1/alert-channels must not make a second channel to the same
// place (under ['*'] every notification would go there twice, under two delivery ids).

function engine(): AlertingEngine {
  const appended: NewEvent[] = [];
  const log = {
    append: async (events: NewEvent[]) => {
      const first = appended.length;
      appended.push(...events);
      await new Promise((r) => setImmediate(r));
      return {
        appended: events.map((e, i) => ({
          id: e.id,
          position: { stream: 'alerts' as const, partition: 0, offset: first + i },
        })),
        duplicates: [],
      };
    },
  } as unknown as EventLog;
  const config = readAlertingConfig({
    ALERTING_DIRECTORY_WAIT_MS: '0',
    ALERTING_SECRET_KEY: 'ab'.repeat(32),
  });
  const clock = () => '2026-12-06T10:00:00.000Z';
  const projection = new AlertsProjection();
  const decisions = new AlertDecisions(log, clock, config, projection, new AlertTwins());
  return new AlertingEngine(decisions, new ChannelTargets(config, clock, projection));
}

async function refusal(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isTwinlogError(error)) return { code: error.code, details: error.details };
    throw error;
  }
  return undefined;
}

describe('a second channel to the same place', () => {
  const hook = {
    kind: 'webhook' as const,
    name: 'on-call',
    url: 'https://hooks.example.com/a',
    secret: 's'.repeat(20),
  };

  it('is refused with 409 CHANNEL_EXISTS naming the one there is, compared by the opened target', async () => {
    const api = engine();
    const first = await api.createChannel(hook, 'ann');
    for (const again of [
      hook,
      { ...hook, name: 'retry' },
      { ...hook, url: 'https://HOOKS.example.com:443/a' },
      { ...hook, secret: 'another-secret-entirely' },
    ])
      expect(await refusal(api.createChannel(again, 'ann'))).toEqual({
        code: 'CHANNEL_EXISTS',
        details: { channelId: first.channelId },
      });
    const mail = await api.createChannel(
      { kind: 'email', name: 'm', to: ['ops@plant.example', 'boss@plant.example'] },
      'ann',
    );
    expect(
      await refusal(
        api.createChannel(
          { kind: 'email', name: 'm2', to: ['Boss@Plant.example', 'ops@plant.example'] },
          'ann',
        ),
      ),
    ).toEqual({ code: 'CHANNEL_EXISTS', details: { channelId: mail.channelId } });
    // Another URL, or the same URL as another kind, is another channel.
    await api.createChannel({ ...hook, url: 'https://hooks.example.com/b' }, 'ann');
    await api.createChannel({ kind: 'slack', name: 's', url: hook.url }, 'ann');
    expect(api.channels()).toHaveLength(4);
  });

  it('is refused when both are asked for at once; once the first is removed it can be made again', async () => {
    const api = engine();
    const both = await Promise.allSettled([
      api.createChannel(hook, 'a'),
      api.createChannel(hook, 'b'),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const made = both.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{
      channelId: string;
    }>;
    const refused = both.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({
      code: 'CHANNEL_EXISTS',
      details: { channelId: made.value.channelId },
    });
    expect(api.channels()).toHaveLength(1);
    await api.deleteChannel(made.value.channelId, 'a');
    expect((await api.createChannel(hook, 'a')).channelId).not.toBe(made.value.channelId);
  });
});
