import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TelemetryAnswer } from '../../api/types';
import { api } from '../../auth/session';
import { Chart } from '../../components/Chart';
import { unitInParentheses } from '../../components/number-format';
import { setQuery } from '../../router/router';
import {
  chartSummary,
  describeRange,
  PRESETS,
  queryOfRange,
  rangeFromQuery,
  telemetryWindow,
  zoomedRange,
} from './time-range';
import { appendReadings, type LiveReading } from './live-twin';

const at = (ms: number) => new Date(ms).toLocaleString();

/**
 * Charts of the twin's recent telemetry, one per property, downsampled on the server to the
 * chart's width (`every` from width and range). Presets or a drag choose the range, kept in the
 * URL (`range=1h`, or `from`/`to` after a drag). A preset ends at the twin's latest reading and
 * follows it: the stream's readings (`live`) are added to the windows drawn and the oldest
 * windows drop out, with no request; the range is fetched again only when it, the width, the
 * properties or `reload` (the stream lost its place) change.
 */
export function TelemetryCharts({
  twinId,
  properties,
  latestMs,
  query,
  live,
  reload = 0,
}: {
  twinId: string;
  properties: string[];
  latestMs: number | undefined;
  query: Record<string, string>;
  live?: { seq: number; readings: readonly LiveReading[] };
  reload?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(800);
  const [answer, setAnswer] = useState<TelemetryAnswer | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [nowMs] = useState(() => Date.now());
  const range = rangeFromQuery(query, latestMs, nowMs);
  const windowOf = telemetryWindow(range, width);
  const key = `${twinId}|${properties.join()}|${range.preset ?? `${range.fromMs}-${range.toMs}`}|${windowOf.every}|${reload}`;
  const fetchedKey = useRef<string | undefined>(undefined);

  // Live readings join the windows drawn (a preset's range moves with the latest reading).
  useEffect(() => {
    if (!live || live.readings.length === 0 || !range.preset) return;
    setAnswer((a) =>
      a && fetchedKey.current === key ? appendReadings(a, live.readings, range) : a,
    );
  }, [live?.seq]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const measure = () => setWidth(Math.max(200, Math.round(el.clientWidth / 100) * 100));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    if (properties.length === 0) return;
    const abort = new AbortController();
    api
      .telemetry(
        twinId,
        {
          property: properties.slice(0, 20),
          from: windowOf.from,
          to: windowOf.to,
          every: windowOf.every,
        },
        abort.signal,
      )
      .then((a) => {
        fetchedKey.current = key;
        setAnswer(a);
        setError(undefined);
      })
      .catch((e: unknown) => !abort.signal.aborted && setError((e as Error).message));
    return () => abort.abort();
  }, [key]);

  const charts = useMemo(
    () =>
      (answer?.series ?? []).map((s) => {
        const times = s.windows.map((w) => Date.parse(w.start));
        const values = s.windows.map((w) => w.mean);
        const summary = chartSummary(s, describeRange(range, at), answer?.every ?? '');
        return {
          property: s.property,
          unit: s.unit,
          times,
          values,
          summary,
        };
      }),
    [answer],
  );

  return (
    <section aria-labelledby="telemetry-title" class="panel" data-testid="telemetry">
      <h2 id="telemetry-title">Recent telemetry</h2>
      <div class="presets" role="group" aria-label="Chart range">
        {PRESETS.map((p) => (
          <button
            key={p.key}
            type="button"
            aria-pressed={range.preset === p.key}
            onClick={() => setQuery(queryOfRange(p.key), { commit: true })}
          >
            {p.label}
          </button>
        ))}
        <span class="range-text" aria-live="polite">
          {describeRange(range, at)} · windows of {windowOf.every}
          {range.preset ? '' : ' (dragged; pick a preset to follow the latest reading)'}
        </span>
      </div>
      <p class="hint">
        Drag across a chart to zoom in; the server sends about one point per two pixels.
      </p>
      {error && (
        <p class="notice" role="alert">
          {error}
        </p>
      )}
      <div ref={box} class="charts">
        {properties.length === 0 && <p>No properties with readings.</p>}
        {charts.map((c) => (
          <Chart
            key={c.property}
            title={`${c.property}${unitInParentheses(c.unit)}`}
            times={c.times}
            series={[{ label: c.property, unit: c.unit, values: c.values }]}
            summary={c.summary}
            height={180}
            onZoom={(a, b) => setQuery(queryOfRange(zoomedRange(a, b)), { commit: true })}
          />
        ))}
      </div>
    </section>
  );
}
