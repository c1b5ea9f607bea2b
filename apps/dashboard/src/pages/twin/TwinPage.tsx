import { useEffect, useRef, useState } from 'preact/hooks';
import type { TwinDetail } from '../../api/types';
import { api } from '../../auth/session';
import { format, LimitsBar } from '../../components/LimitsBar';
import { StatusBadge } from '../../components/StatusBadge';
import { usePageStream } from '../../stream/page-stream';
import type { PageProps } from '../page';

/**
 * A twin's page. For now its current state as tables (values against limits, open anomalies),
 * kept live by the stream; charts, anomaly timeline, maintenance and audit trail come next.
 */
export default function TwinPage({ params }: PageProps) {
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
  const values = Object.entries(twin.reported).sort(([a], [b]) => (a < b ? -1 : 1));
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
      <h2>Values</h2>
      {values.length === 0 ? (
        <p>No readings yet.</p>
      ) : (
        <table class="values">
          <thead>
            <tr>
              <th scope="col">Property</th>
              <th scope="col">Value</th>
              <th scope="col">Against its limits</th>
              <th scope="col">Band</th>
              <th scope="col">At</th>
            </tr>
          </thead>
          <tbody>
            {values.map(([property, reported]) => {
              const limits = Object.hasOwn(twin.limits, property)
                ? twin.limits[property]
                : undefined;
              const band = Object.hasOwn(twin.health.properties, property)
                ? twin.health.properties[property]
                : undefined;
              return (
                <tr key={property}>
                  <th scope="row">{property}</th>
                  <td class="num" data-testid="live-value" data-property={property}>
                    {format(reported.value)} {reported.unit}
                  </td>
                  <td>
                    {limits ? (
                      <LimitsBar
                        label={property}
                        value={reported.value}
                        unit={reported.unit}
                        limits={limits}
                      />
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>{band ? <StatusBadge status={band} /> : '—'}</td>
                  <td>
                    <time dateTime={reported.occurredAt}>
                      {new Date(reported.occurredAt).toLocaleString()}
                    </time>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h2>Open anomalies</h2>
      {anomalies.length === 0 ? (
        <p>None.</p>
      ) : (
        <ul class="anomalies">
          {anomalies.map(([id, a]) => (
            <li key={id}>
              <strong>{a.severity}</strong> since{' '}
              <time dateTime={a.since}>{new Date(a.since).toLocaleString()}</time>: {a.detector} on{' '}
              {a.properties.join(', ')}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
