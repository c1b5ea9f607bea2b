import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../../api/api-error';
import type { TwinDetail } from '../../api/types';
import { SCENARIO_ROLE } from '../../auth/roles';
import { api, can } from '../../auth/session';
import { hrefOf } from '../../router/url-state';
import { StatusBadge } from '../../components/StatusBadge';
import type { StreamMessage } from '../../stream/live-stream';
import { usePageStream } from '../../stream/page-stream';
import type { PageProps } from '../page';
import { AiFindings } from './AiFindings';
import { AnomalyTimeline } from './AnomalyTimeline';
import { AuditTrail } from './AuditTrail';
import { HealthPanel } from './HealthPanel';
import { applyStreamMessage, type LiveReading } from './live-twin';
import { LiveValues } from './LiveValues';
import { MaintenanceReportPanel } from './MaintenanceReportPanel';
import { TelemetryCharts } from './TelemetryCharts';
import { latestReadingMs } from './time-range';
import { TimeSlider } from './TimeSlider';
import './twin.css';

/**
 * A twin's page: its live values against their limits, charts of its telemetry (range in the
 * URL), the anomaly timeline with evidence, health and maintenance, the audit trail, and the
 * time slider (the moment in the URL). Readings, anomalies and predictions from the stream are
 * folded into the twin (readings appended to the charts) without a request; any other change of
 * the twin (limits, maintenance done: rare) fetches it again, at most about once a second; each panel refetches what
 * it shows when the twin's revision moves. A twin the API refused (4xx) opens no stream.
 */
export default function TwinPage({ params, query }: PageProps) {
  const twinId = params.twinId ?? '';
  const [twin, setTwin] = useState<TwinDetail | undefined>();
  const [error, setError] = useState<{ message: string; status?: number } | undefined>();
  const [generation, setGeneration] = useState(0);
  // Resyncs (the stream lost its place): the charts fetch their range again too.
  const [resyncs, setResyncs] = useState(0);
  const [live, setLive] = useState<{ seq: number; readings: LiveReading[] }>({
    seq: 0,
    readings: [],
  });
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const twinRef = useRef<TwinDetail | undefined>(undefined);
  // Messages that arrived while a fetch was on its way: folded again into its answer (which may
  // predate them; folding is by revision, so those it holds already change nothing).
  const duringFetch = useRef<StreamMessage[] | undefined>(undefined);

  const refetchSoon = () => {
    pending.current ??= setTimeout(() => {
      pending.current = undefined;
      setGeneration((g) => g + 1);
    }, 1_000);
  };
  // `again`: a message folded a second time into a fresh answer: its readings are drawn already.
  const apply = (message: StreamMessage, again = false) => {
    if (!again) duringFetch.current?.push(message);
    const current = twinRef.current;
    if (!current) return;
    const out = applyStreamMessage(current, message);
    if (out === 'refetch') return refetchSoon();
    if (out === 'ignore') return;
    twinRef.current = out.twin;
    setTwin(out.twin);
    if (!again && out.readings.length > 0)
      setLive((l) => ({ seq: l.seq + 1, readings: out.readings }));
  };

  useEffect(() => {
    twinRef.current = undefined;
  }, [twinId]);
  useEffect(() => {
    document.title = `${twinId} · Twinlog`;
    const abort = new AbortController();
    duringFetch.current = [];
    api
      .twin(twinId, abort.signal)
      .then((t) => {
        const arrived = duringFetch.current ?? [];
        duringFetch.current = undefined;
        twinRef.current = t;
        setTwin(t);
        setError(undefined);
        for (const message of arrived) apply(message, true);
      })
      .catch((e: unknown) => {
        if (abort.signal.aborted) return;
        duringFetch.current = undefined;
        setError({ message: (e as Error).message, status: (e as Partial<ApiError>).status });
      });
    return () => abort.abort();
  }, [twinId, generation]);
  useEffect(() => () => clearTimeout(pending.current), []);

  // Nothing to follow while the twin is refused (400 for an id the API rejects, 403, 404).
  const refused = error?.status !== undefined && error.status >= 400 && error.status < 500;
  usePageStream(
    {
      twin: twinId,
      types: [
        'state-changed',
        'anomaly-opened',
        'anomaly-raised',
        'anomaly-closed',
        'maintenance-predicted',
      ],
    },
    (message) => apply(message),
    () => {
      setGeneration((g) => g + 1);
      setResyncs((r) => r + 1);
    },
    refused ? undefined : `twin:${twinId}`,
  );

  if (error)
    return (
      <section aria-labelledby="twin-title">
        <h1 id="twin-title">{twinId}</h1>
        <p class="notice" role="alert">
          {error.message}
        </p>
        <p>
          <a href="/">Back to the plant overview</a>
        </p>
      </section>
    );
  if (!twin) return <p role="status">Loading {twinId}…</p>;
  const properties = Object.keys(twin.reported).sort();
  const anomalies = Object.entries(twin.activeAnomalies);
  return (
    <section class="twin" aria-labelledby="twin-title">
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href="/">Plant</a>
        {twin.parentId && (
          <>
            {' › '}
            <a href={`/twins/${encodeURIComponent(twin.parentId)}`}>{twin.parentId}</a>
          </>
        )}
      </nav>
      <div class="page-head">
        <h1 id="twin-title">
          {twin.name ?? twin.twinId} {twin.name && <span class="twin-id">{twin.twinId}</span>}
        </h1>
        <StatusBadge status={twin.status === 'retired' ? 'retired' : twin.health.status} />
        {/* Only for callers who may run a scenario, and twins that still run. */}
        {can(SCENARIO_ROLE) && twin.status === 'active' && (
          <a
            class="action-link"
            data-testid="what-if-link"
            href={hrefOf('/what-if', { twin: twin.twinId })}
          >
            What if…
          </a>
        )}
      </div>
      <dl class="facts">
        <dt>Type</dt>
        <dd>
          {twin.twinType} ({twin.level})
        </dd>
        <dt>Site</dt>
        <dd>{twin.site ?? '—'}</dd>
        <dt>Revision</dt>
        <dd>{twin.revision}</dd>
        {twin.children.length > 0 && (
          <>
            <dt>Parts</dt>
            <dd>
              {twin.children.map((c, i) => (
                <span key={c.twinId}>
                  {i > 0 && ', '}
                  <a href={`/twins/${encodeURIComponent(c.twinId)}`}>{c.twinId}</a>
                </span>
              ))}
            </dd>
          </>
        )}
      </dl>
      <section aria-labelledby="values-title" class="panel">
        <h2 id="values-title">Live values</h2>
        <p class="hint">
          {anomalies.length === 0
            ? 'No open anomalies.'
            : `${anomalies.length} open ${anomalies.length === 1 ? 'anomaly' : 'anomalies'}: see the timeline below.`}
        </p>
        <LiveValues twin={twin} />
      </section>
      <TelemetryCharts
        twinId={twin.twinId}
        properties={properties}
        latestMs={latestReadingMs(twin.reported)}
        query={query}
        live={live}
        reload={resyncs}
      />
      <AnomalyTimeline twin={twin} />
      <AiFindings twin={twin} />
      <HealthPanel twin={twin} />
      <MaintenanceReportPanel twinId={twin.twinId} />
      <TimeSlider twin={twin} query={query} />
      <AuditTrail twinId={twin.twinId} revision={twin.revision} />
    </section>
  );
}
