import type { DeliveryView } from '@twinlog/domain';
import { useEffect, useRef, useState } from 'preact/hooks';
import { alertDeliveries } from '../../api/alerts';
import type { AlertView } from '../../api/types';
import { api } from '../../auth/session';
import { explanationOf, historyLine } from './alert-inbox';
import { SeverityBadge } from './SeverityBadge';

const when = (iso: string | null | undefined) =>
  iso ? <time dateTime={iso}>{new Date(iso).toLocaleString()}</time> : '—';

function causeText(cause: AlertView['members'][number]['cause']): string {
  switch (cause.kind) {
    case 'anomaly':
      return `anomaly (${cause.detector} on ${cause.properties.join(', ')})`;
    case 'maintenance':
      return `maintenance (${cause.measure} ${cause.value} under ${cause.threshold})`;
    default:
      return cause.kind;
  }
}

/**
 * One alert in full: its members, its history (who did what), the notices held back, its
 * deliveries, and the AI explanation when the API gives one. The heading takes the focus when
 * it opens, so a keyboard or screen reader user lands on it. The actions are on its row in the
 * list (one set of controls per alert on the page).
 */
export function AlertDetail({ alert, closeHref }: { alert: AlertView; closeHref: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [deliveries, setDeliveries] = useState<DeliveryView[] | undefined>();
  const [deliveryError, setDeliveryError] = useState<string | undefined>();

  useEffect(() => heading.current?.focus(), [alert.alertId]);
  useEffect(() => {
    const abort = new AbortController();
    alertDeliveries(api, alert.alertId, abort.signal)
      .then((page) => setDeliveries(page.deliveries))
      .catch((e: unknown) => !abort.signal.aborted && setDeliveryError((e as Error).message));
    return () => abort.abort();
  }, [alert.alertId, alert.revision]);

  const explanation = explanationOf(alert);
  return (
    <section class="alert-detail" aria-labelledby="alert-detail-title">
      <div class="page-head">
        <h2 id="alert-detail-title" tabIndex={-1} ref={heading}>
          {alert.title}
        </h2>
        <SeverityBadge severity={alert.severity} />
        <span class="alert-state">{alert.status}</span>
        <a href={closeHref}>Close</a>
      </div>
      <dl class="facts">
        <dt>Subject</dt>
        <dd>
          <a href={`/twins/${encodeURIComponent(alert.subject)}`}>{alert.subject}</a>
        </dd>
        <dt>Opened</dt>
        <dd>{when(alert.openedAt)}</dd>
        <dt>Assignee</dt>
        <dd>{alert.assignee?.to ?? '—'}</dd>
        <dt>Escalations</dt>
        <dd>{alert.escalations}</dd>
        {alert.reopenCount > 0 && (
          <>
            <dt>Reopened</dt>
            <dd>{alert.reopenCount} times</dd>
          </>
        )}
      </dl>
      {explanation && (
        <section class="alert-explanation" aria-labelledby="alert-explanation-title">
          <h3 id="alert-explanation-title">Explanation</h3>
          <p>{explanation}</p>
        </section>
      )}
      <h3>Members</h3>
      <table class="values">
        <thead>
          <tr>
            <th scope="col">Twin</th>
            <th scope="col">Cause</th>
            <th scope="col">Since</th>
            <th scope="col">Cleared</th>
          </tr>
        </thead>
        <tbody>
          {alert.members.map((m) => (
            <tr key={m.causeKey}>
              <th scope="row">
                <a href={`/twins/${encodeURIComponent(m.twinId)}`}>{m.twinId}</a>
              </th>
              <td>{causeText(m.cause)}</td>
              <td>{when(m.since)}</td>
              <td>{when(m.clearedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>History</h3>
      {alert.historyOmitted ? (
        <p class="summary">{alert.historyOmitted} older entries are in the audit trail.</p>
      ) : null}
      <ol class="alert-history">
        {alert.history.map((h) => (
          <li key={h.eventId}>
            {when(h.at)} {historyLine(h)}
          </li>
        ))}
      </ol>
      {alert.suppressed.length > 0 && (
        <>
          <h3>Notices held back</h3>
          <ul>
            {alert.suppressed.map((s, i) => (
              <li key={i}>
                {when(s.at)} {s.transition}: {s.reason}
                {s.channelId ? ` (channel ${s.channelId})` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
      <h3>Deliveries</h3>
      {deliveryError ? (
        <p class="notice">Could not load the deliveries: {deliveryError}</p>
      ) : !deliveries ? (
        <p role="status">Loading the deliveries…</p>
      ) : deliveries.length === 0 ? (
        <p class="empty">None: no rule sent this alert anywhere.</p>
      ) : (
        <table class="values">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Notice</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Delivered / last error</th>
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.deliveryId}>
                <th scope="row">{d.channelId}</th>
                <td>{d.transition}</td>
                <td>{d.status}</td>
                <td class="num">{d.attempts}</td>
                <td>{d.deliveredAt ? when(d.deliveredAt) : (d.lastError ?? '—')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
