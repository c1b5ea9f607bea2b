import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiError } from '../../api/api-error';
import { alertsPage } from '../../api/alerts';
import type { AlertView } from '../../api/types';
import { api, can } from '../../auth/session';
import { hrefOf } from '../../router/url-state';
import { setQuery } from '../../router/router';
import { usePageStream } from '../../stream/page-stream';
import type { PageProps } from '../page';
import { AlertActions } from './AlertActions';
import { AlertDetail } from './AlertDetail';
import {
  ALERT_STATUSES,
  mergeAlert,
  statusFilterOf,
  statusFilterText,
  type AlertStatus,
} from './alert-inbox';
import { SeverityBadge } from './SeverityBadge';
import './alerts.css';

const when = (iso: string) => <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;

/**
 * The alerts inbox: alerts by status, newest first, paged; acknowledge, assign and resolve for
 * operators; live from the stream; one alert's detail (`?alert=<id>`) beside the list.
 */
export default function AlertsPage({ query }: PageProps) {
  const statuses = useMemo(() => statusFilterOf(query.status), [query.status]);
  const selected = query.alert ?? '';
  const [alerts, setAlerts] = useState<AlertView[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [generation, setGeneration] = useState(0);
  const [detail, setDetail] = useState<AlertView | undefined>();
  const [detailError, setDetailError] = useState<string | undefined>();
  const [said, setSaid] = useState('');
  const listHeading = useRef<HTMLHeadingElement>(null);
  const statusesRef = useRef(statuses);
  statusesRef.current = statuses;

  useEffect(() => {
    document.title = 'Alerts · Twinlog';
    const abort = new AbortController();
    setLoaded(false);
    alertsPage(api, { status: statuses }, abort.signal)
      .then((page) => {
        setAlerts(page.alerts);
        setNext(page.next);
        setError(undefined);
        setLoaded(true);
      })
      .catch((e: unknown) => !abort.signal.aborted && setError((e as Error).message));
    return () => abort.abort();
  }, [statuses.join(), generation]);

  useEffect(() => {
    if (!selected) return setDetail(undefined);
    const abort = new AbortController();
    setDetailError(undefined);
    api
      .alert(selected, abort.signal)
      .then(setDetail)
      .catch((e: unknown) => {
        if (abort.signal.aborted) return;
        setDetail(undefined);
        setDetailError(
          e instanceof ApiError && e.status === 404
            ? `No alert ${selected}.`
            : (e as Error).message,
        );
      });
    return () => abort.abort();
  }, [selected, generation]);

  /** An alert as it is now (the stream said it changed, or an action answered). */
  const changed = (alert: AlertView) => {
    setAlerts((list) => mergeAlert(list, alert, statusesRef.current));
    setDetail((d) =>
      d && d.alertId === alert.alertId && d.revision <= alert.revision ? alert : d,
    );
  };

  usePageStream(
    { types: ['alert-opened', 'alert-changed'] },
    (message) => {
      const alertId = message.data.data.alertId;
      if (typeof alertId !== 'string') return;
      api.alert(alertId).then(changed, () => undefined);
    },
    () => setGeneration((g) => g + 1),
    'alerts',
  );

  /** After an action: say what happened, and put the focus where the alert now is. */
  const acted = (alert: AlertView, message: string) => {
    changed(alert);
    setSaid(message);
    requestAnimationFrame(() => {
      const row = document.getElementById(`alert-${alert.alertId}`);
      (
        row?.querySelector<HTMLElement>('[data-testid="alert-status"]') ?? listHeading.current
      )?.focus();
    });
  };

  const loadMore = async () => {
    if (!next) return;
    try {
      const page = await alertsPage(api, { status: statuses, cursor: next });
      setAlerts((list) => {
        const seen = new Set(list.map((a) => a.alertId));
        return [...list, ...page.alerts.filter((a) => !seen.has(a.alertId))];
      });
      setNext(page.next);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const toggle = (status: AlertStatus, on: boolean) => {
    const set = new Set(statuses);
    if (on) set.add(status);
    else set.delete(status);
    // Nothing ticked is the default (unresolved), as the plain URL.
    setQuery({ status: statusFilterText([...set]) });
  };
  const operator = can('operator');
  const detailHref = (id: string) => hrefOf('/alerts', { ...query, alert: id });
  const closeHref = hrefOf('/alerts', { ...query, alert: undefined });

  return (
    <section class="alerts" aria-labelledby="alerts-title">
      <div class="page-head">
        <h1 id="alerts-title" tabIndex={-1} ref={listHeading}>
          Alerts
        </h1>
        <p class="summary">
          {loaded
            ? `${alerts.length}${next ? '+' : ''} ${statuses.join(', ')}`
            : error
              ? ''
              : 'Loading the alerts…'}
        </p>
      </div>
      <p class="visually-hidden" role="status">
        {said}
      </p>
      <fieldset class="filters">
        <legend>Status</legend>
        {ALERT_STATUSES.map((s) => (
          <label key={s} class="check">
            <input
              type="checkbox"
              checked={statuses.includes(s)}
              onChange={(e) => toggle(s, (e.target as HTMLInputElement).checked)}
            />
            {s}
          </label>
        ))}
      </fieldset>
      {error && (
        <p class="notice" role="alert">
          Could not load the alerts: {error}{' '}
          <button type="button" onClick={() => setGeneration((g) => g + 1)}>
            Try again
          </button>
        </p>
      )}
      <div class="alerts-layout">
        <div class="alerts-list">
          {loaded && alerts.length === 0 && <p class="empty">No {statuses.join(' or ')} alerts.</p>}
          <ul aria-label="Alerts">
            {alerts.map((a) => (
              <li
                key={a.alertId}
                id={`alert-${a.alertId}`}
                class={`alert-row${a.alertId === selected ? ' selected' : ''}`}
                data-testid="alert-row"
                data-alert-id={a.alertId}
              >
                <div class="alert-line">
                  <SeverityBadge severity={a.severity} />
                  <a
                    class="alert-title"
                    href={detailHref(a.alertId)}
                    aria-current={a.alertId === selected ? 'true' : undefined}
                  >
                    {a.title}
                  </a>
                  <span class="alert-state" data-testid="alert-status" tabIndex={-1}>
                    {a.status}
                  </span>
                </div>
                <div class="alert-facts">
                  <span>
                    on <a href={`/twins/${encodeURIComponent(a.subject)}`}>{a.subject}</a>
                  </span>
                  {a.members.length > 1 && (
                    <span>
                      {a.members.length} twins:{' '}
                      {a.members
                        .slice(0, 5)
                        .map((m) => m.twinId)
                        .join(', ')}
                      {a.members.length > 5 ? '…' : ''}
                    </span>
                  )}
                  <span>opened {when(a.openedAt)}</span>
                  <span>assignee: {a.assignee?.to ?? 'nobody'}</span>
                </div>
                {operator && <AlertActions alert={a} onDone={acted} />}
              </li>
            ))}
          </ul>
          {next && (
            <button type="button" onClick={loadMore}>
              Load more
            </button>
          )}
        </div>
        {selected && (
          <div class="alerts-detail">
            {detail ? (
              <AlertDetail alert={detail} closeHref={closeHref} />
            ) : detailError ? (
              <p class="notice" role="alert">
                {detailError} <a href={closeHref}>Close</a>
              </p>
            ) : (
              <p role="status">Loading {selected}…</p>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
