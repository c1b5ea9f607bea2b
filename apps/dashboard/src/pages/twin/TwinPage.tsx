import { useEffect, useRef, useState } from 'preact/hooks';
import type { TwinDetail } from '../../api/types';
import { SCENARIO_ROLE } from '../../auth/roles';
import { api, can } from '../../auth/session';
import { hrefOf } from '../../router/url-state';
import { StatusBadge } from '../../components/StatusBadge';
import { usePageStream } from '../../stream/page-stream';
import type { PageProps } from '../page';
import { AnomalyTimeline } from './AnomalyTimeline';
import { AuditTrail } from './AuditTrail';
import { HealthPanel } from './HealthPanel';
import { LiveValues } from './LiveValues';
import { TelemetryCharts } from './TelemetryCharts';
import { latestReadingMs } from './time-range';
import { TimeSlider } from './TimeSlider';
import './twin.css';

/**
 * A twin's page: its live values against their limits, charts of its telemetry (range in the
 * URL), the anomaly timeline with evidence, health and maintenance, the audit trail, and the
 * time slider (the moment in the URL). The twin is refetched from the stream's changes (at most
 * about once a second); each panel refetches what it shows when the twin's revision moves.
 */
export default function TwinPage({ params, query }: PageProps) {
  const twinId = params.twinId ?? '';
  const [twin, setTwin] = useState<TwinDetail | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [generation, setGeneration] = useState(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    document.title = `${twinId} · Twinlog`;
    const abort = new AbortController();
    api
      .twin(twinId, abort.signal)
      .then((t) => {
        setTwin(t);
        setError(undefined);
      })
      .catch((e: unknown) => !abort.signal.aborted && setError((e as Error).message));
    return () => abort.abort();
  }, [twinId, generation]);
  useEffect(() => () => clearTimeout(pending.current), []);

  // Each change of the twin fetches its state again, at most about once a second.
  usePageStream(
    {
      twin: twinId,
      types: ['state-changed', 'anomaly-opened', 'anomaly-closed', 'maintenance-predicted'],
    },
    () => {
      pending.current ??= setTimeout(() => {
        pending.current = undefined;
        setGeneration((g) => g + 1);
      }, 1_000);
    },
    () => setGeneration((g) => g + 1),
    `twin:${twinId}`,
  );

  if (error)
    return (
      <section aria-labelledby="twin-title">
        <h1 id="twin-title">{twinId}</h1>
        <p class="notice" role="alert">
          {error}
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
      />
      <AnomalyTimeline twin={twin} />
      <HealthPanel twin={twin} />
      <TimeSlider twin={twin} query={query} />
      <AuditTrail twinId={twin.twinId} revision={twin.revision} />
    </section>
  );
}
