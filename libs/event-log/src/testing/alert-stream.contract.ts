import { randomUUID } from 'node:crypto';
import {
  ALERTING_CONFIG_KEY,
  isTwinlogError,
  type EventEnvelope,
  type StreamName,
} from '@twinlog/domain';
import type { EventLog, LogPosition, RecordedEvent } from '../event-log.port';
import type { OpenLog } from './access-key.contract';
import {
  alertAcknowledged,
  alertOpened,
  eventually,
  newEvent,
  registered,
  retired,
  telemetry,
} from './sample-events';

/**
 * The alerts stream's cases of the EventLog contract (issue 20, docs/adr/0002): a third stream
 * keyed by twin like the others, read with a twin's events but never moving its revision,
 * replayed, bounded and subscribed to on its own (describeEventLogContract registers them).
 */
export function alertStreamCases(
  it: (title: string, fn: () => Promise<void>) => void,
  open: OpenLog,
) {
  const twin = () => `line-${randomUUID().slice(0, 8)}`;
  const base = Date.now() - 3_600_000;
  const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();
  const using = async (work: (log: EventLog) => Promise<void>) => {
    const log = await open();
    try {
      await work(log);
    } finally {
      await log.close();
    }
  };
  const types = (events: EventEnvelope[]) => events.map((e) => e.type);

  it('reads an alert with its twin by record time, alone by stream, and never moves the revision', () =>
    using(async (log) => {
      const id = twin();
      const opened = alertOpened(id, 'alert-1', { recordedAt: at(1) });
      const result = await log.append([
        registered(id, { recordedAt: at(0) }),
        opened,
        telemetry(id, 40, at(2), { recordedAt: at(2) }),
        alertAcknowledged(id, 'alert-1', { recordedAt: at(3) }),
      ]);
      expect(result.appended.find((a) => a.id === opened.id)!.position.stream).toBe('alerts');
      // The audit trail's read: every stream, merged by record time.
      expect(types(await log.readStream(id))).toEqual([
        'TwinRegistered',
        'AlertOpened',
        'TelemetryReported',
        'AlertAcknowledged',
      ]);
      const alerts = await log.readStream(id, { streams: ['alerts'] });
      expect(types(alerts)).toEqual(['AlertOpened', 'AlertAcknowledged']);
      expect(alerts[1]!.revision).toBeGreaterThan(alerts[0]!.revision);
      expect(alerts[1]!.producer).toBe('alerting/key:0123456789abcdef');
      const state = await log.readStream(id, { streams: ['twin-events', 'telemetry'] });
      expect(types(state)).toEqual(['TwinRegistered', 'TelemetryReported']);
      // Acknowledging an alert is no change of the twin: a command decided before it still holds.
      await log.append([retired(id)], {
        expectedRevision: { twinId: id, revision: state[0]!.revision },
      });
      const stale = await log
        .append([retired(id)], { expectedRevision: { twinId: id, revision: state[0]!.revision } })
        .catch((e: unknown) => e);
      expect(isTwinlogError(stale, 'REVISION_CONFLICT')).toBe(true);
    }));

  it('appends an alert event id only once, and keeps configuration under @alerting', () =>
    using(async (log) => {
      const id = twin();
      const opened = alertOpened(id, 'alert-2');
      await log.append([opened]);
      expect(await log.append([opened])).toEqual({ appended: [], duplicates: [opened.id] });
      const ruleGone = newEvent(ALERTING_CONFIG_KEY, {
        type: 'AlertRuleDeleted',
        data: { ruleId: `rule-${randomUUID()}` },
      });
      const [appended] = (await log.append([ruleGone])).appended;
      expect(appended!.position.stream).toBe('alerts');
      const config = await log.readStream(ALERTING_CONFIG_KEY, { streams: ['alerts'] });
      expect(config.map((e) => e.id)).toContain(ruleGone.id);
      expect(await log.readStream(id)).toHaveLength(1);
    }));

  it('replays and bounds the alerts stream on its own, from positions, and keeps its positions in snapshots', () =>
    using(async (log) => {
      const id = twin();
      const before = await log.bounds('alerts');
      const appended = await log.append([
        registered(id),
        alertOpened(id, 'alert-3'),
        alertAcknowledged(id, 'alert-3'),
        newEvent(id, {
          type: 'AlertResolved',
          data: { alertId: 'alert-3', reason: 'cause-cleared', note: null },
        }),
      ]);
      const after = await log.bounds('alerts');
      const onAlerts = appended.appended.filter((a) => a.position.stream === 'alerts');
      const { partition } = onAlerts[0]!.position;
      const end = (bs: typeof after) => bs.find((b) => b.partition === partition)?.end ?? 0;
      expect(end(after) - end(before)).toBe(3);
      expect(after.every((b) => b.stream === 'alerts' && b.start <= b.end)).toBe(true);

      const replayed = async (from?: LogPosition) => {
        const seen: RecordedEvent[] = [];
        const result = await log.replay(
          {
            streams: ['alerts'],
            ...(from ? { from: { kind: 'positions', positions: [from] } } : {}),
          },
          async (batch) => void seen.push(...batch.filter((r) => r.event.twinId === id)),
        );
        return { seen, next: result.next };
      };
      const all = await replayed();
      expect(types(all.seen.map((r) => r.event))).toEqual([
        'AlertOpened',
        'AlertAcknowledged',
        'AlertResolved',
      ]);
      expect(all.seen.every((r) => r.position.stream === 'alerts')).toBe(true);
      expect(all.next.every((p) => p.stream === 'alerts')).toBe(true);
      expect(types((await replayed(onAlerts[1]!.position)).seen.map((r) => r.event))).toEqual([
        'AlertAcknowledged',
        'AlertResolved',
      ]);

      const next = [...all.next, { stream: 'twin-events' as StreamName, partition: 0, offset: 1 }];
      await log.snapshots.save([{ twinId: id, state: { v: 1 }, next, takenAt: at(1) }]);
      expect((await log.snapshots.loadLatest(id))?.next).toEqual(next);
    }));

  it('delivers the alerts stream to a consumer group, and to a broadcast subscriber from where a replay ended', () =>
    using(async (log) => {
      const id = twin();
      const group = `alerting-${randomUUID()}`;
      await log.append([registered(id), alertOpened(id, 'alert-4'), telemetry(id, 1, at(1))]);
      const seen: EventEnvelope[] = [];
      let failOnce = true;
      const sub = await log.subscribe({
        group,
        streams: ['alerts'],
        handler: async (batch) => {
          const mine = batch.filter((r) => r.event.twinId === id);
          if (failOnce && mine.length > 0) {
            failOnce = false;
            throw new Error('transient failure');
          }
          seen.push(...mine.map((r) => r.event));
        },
      });
      await eventually(() => seen.length === 1, 'the alert, after one failed attempt');
      await sub.stop();
      expect(types(seen)).toEqual(['AlertOpened']);

      const { next } = await log.replay(
        { streams: ['twin-events', 'alerts'] },
        async () => undefined,
      );
      const tail: EventEnvelope[] = [];
      const broadcast = await log.subscribe({
        group: 'stream',
        streams: ['twin-events', 'alerts'],
        broadcast: true,
        startAt: next,
        handler: async (batch) =>
          void tail.push(...batch.filter((r) => r.event.twinId === id).map((r) => r.event)),
      });
      await log.append([alertAcknowledged(id, 'alert-4')]);
      const later: EventEnvelope[] = [];
      const again = await log.subscribe({
        group,
        streams: ['alerts'],
        handler: async (batch) =>
          void later.push(...batch.filter((r) => r.event.twinId === id).map((r) => r.event)),
      });
      await eventually(
        () => tail.length >= 1 && later.length >= 1,
        'the acknowledgement, at the broadcast subscriber and the group',
      );
      await new Promise((r) => setTimeout(r, 300));
      await Promise.all([broadcast.stop(), again.stop()]);
      // Only what came after: committed offsets and the replay's end both held.
      expect(types(tail)).toEqual(['AlertAcknowledged']);
      expect(types(later)).toEqual(['AlertAcknowledged']);
    }));
}
