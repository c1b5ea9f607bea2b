import type { AlertView } from '../../api/types';
import {
  actionsFor,
  explanationOf,
  historyLine,
  mergeAlert,
  statusFilterOf,
  statusFilterText,
  UNRESOLVED,
} from './alert-inbox';

const alert = (id: string, over: Partial<AlertView> = {}): AlertView =>
  ({
    alertId: id,
    status: 'open',
    severity: 'alarm',
    title: `t ${id}`,
    groupKey: 'line-1',
    subject: 'cnc-1',
    site: 'a',
    openedAt: `2026-12-06T10:0${id.slice(-1)}:00.000Z`,
    acknowledged: null,
    assignee: null,
    resolved: null,
    escalations: 0,
    reopenCount: 0,
    members: [],
    history: [],
    suppressed: [],
    revision: 1,
    ...over,
  }) as AlertView;

describe('alerts inbox', () => {
  it('reads the status filter from the URL, unresolved by default', () => {
    expect(statusFilterOf(undefined)).toEqual(UNRESOLVED);
    expect(statusFilterOf('resolved,open')).toEqual(['open', 'resolved']);
    expect(statusFilterOf('__proto__,nonsense')).toEqual(UNRESOLVED);
    expect(statusFilterText(UNRESOLVED)).toBeUndefined();
    expect(statusFilterText(['resolved'])).toBe('resolved');
    expect(statusFilterText(['resolved', 'open'])).toBe('open,resolved');
  });

  it('offers the actions the lifecycle allows', () => {
    expect(actionsFor({ status: 'open' })).toEqual(['acknowledge', 'assign', 'resolve']);
    expect(actionsFor({ status: 'acknowledged' })).toEqual(['assign', 'resolve']);
    expect(actionsFor({ status: 'assigned' })).toEqual(['assign', 'resolve']);
    expect(actionsFor({ status: 'resolved' })).toEqual([]);
  });

  it('folds a changed alert in: replaced, added newest first, or dropped when filtered out', () => {
    const list = [alert('a2'), alert('a1')];
    const acked = alert('a1', { status: 'acknowledged', revision: 2 });
    expect(mergeAlert(list, acked, UNRESOLVED).map((a) => [a.alertId, a.status])).toEqual([
      ['a2', 'open'],
      ['a1', 'acknowledged'],
    ]);
    expect(mergeAlert(list, alert('a3'), UNRESOLVED).map((a) => a.alertId)).toEqual([
      'a3',
      'a2',
      'a1',
    ]);
    const resolved = alert('a2', { status: 'resolved', revision: 3 });
    expect(mergeAlert(list, resolved, UNRESOLVED).map((a) => a.alertId)).toEqual(['a1']);
    const resolvedList = [alert('a1', { status: 'resolved' })];
    expect(mergeAlert(resolvedList, resolved, ['resolved']).map((a) => a.alertId)).toEqual([
      'a2',
      'a1',
    ]);
    // A late answer with an older revision does not undo a newer state.
    const newer = mergeAlert(list, acked, UNRESOLVED);
    expect(mergeAlert(newer, alert('a1'), UNRESOLVED).find((a) => a.alertId === 'a1')!.status).toBe(
      'acknowledged',
    );
  });

  it('says who did what, Twinlog when nobody did', () => {
    expect(
      historyLine({
        transition: 'acknowledged',
        at: 'x',
        actor: 'anna',
        note: 'on my way',
        eventId: 'e',
      }),
    ).toBe('acknowledged by anna: “on my way”');
    expect(
      historyLine({ transition: 'opened', at: 'x', actor: null, note: null, eventId: 'e' }),
    ).toBe('opened by Twinlog');
  });

  it('shows an explanation only when the API gives one', () => {
    expect(explanationOf(alert('a1'))).toBeUndefined();
    expect(explanationOf({ explanation: '  ' })).toBeUndefined();
    expect(explanationOf({ explanation: null })).toBeUndefined();
    expect(explanationOf({ explanation: 'Cooling failed.' })).toBe('Cooling failed.');
    expect(explanationOf({ explanation: { text: 'Cooling failed.' } })).toBe('Cooling failed.');
  });
});
