import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { AlertView, TwinDetail, TwinSummary } from '../../api/types';
import { ApiError } from '../../api/api-error';
import { api } from '../../auth/session';
import { navigate, setQuery } from '../../router/router';
import type { StreamMessage } from '../../stream/live-stream';
import { usePageStream } from '../../stream/page-stream';
import type { PageProps } from '../page';
import { fetchPlan, LiveRefresh } from './live-refresh';
import {
  alertCounts,
  buildTree,
  initiallyExpanded,
  visibleRows,
  type PlantTwin,
} from './plant-tree';
import { TwinTree } from './TwinTree';
import './overview.css';

const STREAM_TYPES = [
  'state-changed',
  'anomaly-opened',
  'anomaly-raised',
  'anomaly-closed',
  'alert-opened',
  'alert-changed',
];

type Alerts = Map<string, Pick<AlertView, 'alertId' | 'subject' | 'members'>>;

/** The plant at a glance: every twin in its hierarchy, its health, its open anomalies and alerts. */
export default function OverviewPage({ query }: PageProps) {
  const [twins, setTwins] = useState<Map<string, TwinSummary>>(new Map());
  const [alerts, setAlerts] = useState<Alerts>(new Map());
  const [alertsNote, setAlertsNote] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loaded, setLoaded] = useState(false);
  const [expanded, setExpanded] = useState<Set<string> | undefined>();
  const onScreen = useRef(new Set<string>());
  const known = useRef(new Map<string, TwinSummary>());
  known.current = twins;
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    document.title = 'Plant overview · Twinlog';
    const abort = new AbortController();
    (async () => {
      try {
        const [list, open] = await Promise.all([
          api.twins(abort.signal),
          api.openAlerts(abort.signal).catch((e: unknown) => {
            setAlertsNote(`Alerts not shown: ${(e as Error).message}`);
            return [] as AlertView[];
          }),
        ]);
        setTwins(new Map(list.map((t) => [t.twinId, t])));
        setAlerts(new Map(open.map((a) => [a.alertId, a])));
        setError(undefined);
        setLoaded(true);
      } catch (e) {
        if (!abort.signal.aborted) setError((e as Error).message);
      }
    })();
    return () => abort.abort();
  }, [generation]);

  const refresh = useMemo(
    () =>
      new LiveRefresh(
        async (twinIds, alertIds) => {
          // Siblings that changed together come in one list request (fetchPlan); a twin the
          // list did not bring (gone, or no longer visible) is asked for on its own.
          const plan = fetchPlan(twinIds, (id) => known.current.get(id)?.parentId);
          const lists = await Promise.all(
            plan.parents.map((parentId) =>
              api
                .all<TwinSummary>('/v1/twins', 'twins', { parentId, limit: 500 })
                .catch(() => [] as TwinSummary[]),
            ),
          );
          const listed = new Map(lists.flat().map((t) => [t.twinId, t]));
          const single = [
            ...plan.twins,
            ...twinIds.filter((id) => !plan.twins.includes(id) && !listed.has(id)),
          ];
          const fetched = await Promise.all(single.map((id) => summaryOf(id)));
          const answers = await Promise.all(
            alertIds.map((id) => api.alert(id).catch(() => undefined)),
          );
          if (listed.size || fetched.length)
            setTwins((old) => {
              const next = new Map(old);
              for (const [id, twin] of listed)
                if (next.has(id) || twinIds.includes(id)) next.set(id, twin);
              single.forEach((id, i) => {
                const twin = fetched[i];
                if (twin === null) next.delete(id);
                else if (twin) next.set(id, twin);
              });
              return next;
            });
          if (answers.length)
            setAlerts((old) => {
              const next = new Map(old);
              alertIds.forEach((id, i) => {
                const alert = answers[i];
                if (!alert || alert.status === 'resolved') next.delete(id);
                else next.set(id, alert);
              });
              return next;
            });
        },
        { delayMs: 400, readingEveryMs: 5_000, now: () => Date.now() },
      ),
    [],
  );
  useEffect(() => () => refresh.stop(), [refresh]);

  usePageStream(
    { types: STREAM_TYPES },
    (message: StreamMessage) => {
      const { type, data } = message;
      if (type === 'alert-opened' || type === 'alert-changed') {
        const alertId = data.data.alertId;
        if (typeof alertId === 'string') refresh.alertChanged(alertId);
        return;
      }
      const byReading = data.event === 'TelemetryReported';
      refresh.twinChanged(data.twinId, byReading, onScreen.current.has(data.twinId));
    },
    () => setGeneration((g) => g + 1),
    'overview',
  );

  const counts = useMemo(() => alertCounts(alerts.values()), [alerts]);
  const tree = useMemo(
    () =>
      buildTree(
        [...twins.values()].map((t): PlantTwin => ({
          ...t,
          openAlerts: counts.get(t.twinId) ?? 0,
        })),
      ),
    [twins, counts],
  );
  const firstOpen = useMemo(() => initiallyExpanded(tree), [tree]);
  const open = expanded ?? firstOpen;
  const filter = {
    text: query.q ?? '',
    twinType: query.type || undefined,
    site: query.site || undefined,
  };
  const rows = useMemo(
    () => visibleRows(tree, open, filter),
    [tree, open, filter.text, filter.twinType, filter.site],
  );
  const types = useMemo(
    () => [...new Set([...twins.values()].map((t) => t.twinType))].sort(),
    [twins],
  );
  const sites = useMemo(
    () => [...new Set([...twins.values()].flatMap((t) => (t.site ? [t.site] : [])))].sort(),
    [twins],
  );
  const troubled = [...twins.values()].filter(
    (t) => t.health === 'alarm' || t.health === 'failure',
  ).length;

  const toggle = (twinId: string) => {
    const next = new Set(open);
    if (next.has(twinId)) next.delete(twinId);
    else next.add(twinId);
    setExpanded(next);
  };

  return (
    <section class="overview" aria-labelledby="overview-title">
      <div class="page-head">
        <h1 id="overview-title">Plant overview</h1>
        <p class="summary">
          {loaded
            ? `${twins.size} twins · ${troubled} in alarm or failure · ${alerts.size} open alerts`
            : error
              ? ''
              : 'Loading the plant…'}
        </p>
      </div>
      {error && (
        <p class="notice" role="alert">
          Could not load the twins: {error}{' '}
          <button type="button" onClick={() => setGeneration((g) => g + 1)}>
            Try again
          </button>
        </p>
      )}
      {alertsNote && <p class="notice">{alertsNote}</p>}
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            placeholder="id, name, type or site"
            value={query.q ?? ''}
            onInput={(e) => setQuery({ q: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          Type
          <select
            value={query.type ?? ''}
            onChange={(e) => setQuery({ type: (e.target as HTMLSelectElement).value })}
          >
            <option value="">All types</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          Site
          <select
            value={query.site ?? ''}
            onChange={(e) => setQuery({ site: (e.target as HTMLSelectElement).value })}
          >
            <option value="">All sites</option>
            {sites.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setExpanded(new Set(tree.children.keys()))}>
          Expand all
        </button>
        <button type="button" onClick={() => setExpanded(new Set())}>
          Collapse all
        </button>
      </form>
      <div class="tree-head" aria-hidden="true">
        <span class="cell name">Twin</span>
        <span class="cell type">Type</span>
        <span class="cell site">Site</span>
        <span class="cell status">Health</span>
        <span class="cell count">Anomalies</span>
        <span class="cell count">Alerts</span>
      </div>
      {loaded && rows.length === 0 && (
        <p class="empty">
          {twins.size === 0
            ? 'No twins yet: register one, or start the plant simulator.'
            : 'No twin matches the filter.'}
        </p>
      )}
      <TwinTree
        tree={tree}
        rows={rows}
        onToggle={toggle}
        onOpen={(twinId) => navigate(`/twins/${encodeURIComponent(twinId)}`)}
        onVisibleChange={(ids) => (onScreen.current = ids)}
      />
    </section>
  );
}

/** A twin's list row from its state; null when it is gone (or no longer visible to the caller). */
async function summaryOf(twinId: string): Promise<TwinSummary | null | undefined> {
  try {
    return summaryFromDetail(await api.twin(twinId));
  } catch (error) {
    return error instanceof ApiError && error.status === 404 ? null : undefined;
  }
}

function summaryFromDetail(d: TwinDetail): TwinSummary {
  return {
    twinId: d.twinId,
    twinType: d.twinType,
    level: d.level,
    parentId: d.parentId,
    site: d.site,
    name: d.name,
    status: d.status === 'retired' ? 'retired' : 'active',
    health: d.health.status,
    activeAnomalies: Object.keys(d.activeAnomalies).length,
    revision: d.revision,
  };
}
