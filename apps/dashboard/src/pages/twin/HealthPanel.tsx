import type { MaintenanceKind } from '@twinlog/domain';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CommandAnswer, TelemetryAnswer, TwinDetail } from '../../api/types';
import { api, can } from '../../auth/session';
import { Chart } from '../../components/Chart';
import { format } from '../../components/LimitsBar';
import { healthSeries, recommendationText, rulChart, type PredictionEntry } from './maintenance';
import { processTrend, TREND_EVERY, TREND_PROPERTIES, TREND_SPAN_MS } from './process-trend';
import { latestReadingMs, parseIsoTime } from './time-range';

/**
 * The health index over time with the remaining-useful-life band (P10-P90 shaded, the median a line), from the
 * maintenance service's prediction history, the current recommendation, and (operators only)
 * a form to record maintenance done. Only for twins that have predictions. A process has no
 * wear to predict: its panel shows how its figures trend instead (no RUL, nothing to record).
 */
export function HealthPanel({ twin }: { twin: TwinDetail }) {
  return twin.level === 'process' ? <ProcessHealth twin={twin} /> : <MachineHealth twin={twin} />;
}

/** OEE and its factors over the last hours of plant time, refetched as new figures arrive. */
function ProcessHealth({ twin }: { twin: TwinDetail }) {
  const [answer, setAnswer] = useState<TelemetryAnswer | undefined>();
  const [error, setError] = useState<string | undefined>();
  const latest = latestReadingMs(twin.reported);
  // Refetch once per 5 minutes of plant time (a window), not on every figure.
  const step = latest === undefined ? undefined : Math.floor(latest / 300_000);
  useEffect(() => {
    if (latest === undefined) return;
    const abort = new AbortController();
    api
      .telemetry(
        twin.twinId,
        {
          property: TREND_PROPERTIES,
          from: new Date(latest - TREND_SPAN_MS).toISOString(),
          to: new Date(latest + 1).toISOString(),
          every: TREND_EVERY,
        },
        abort.signal,
      )
      .then((a) => {
        setAnswer(a);
        setError(undefined);
      })
      .catch((e: unknown) => !abort.signal.aborted && setError((e as Error).message));
    return () => abort.abort();
  }, [twin.twinId, step]);
  const trend = useMemo(() => processTrend(answer), [answer]);
  return (
    <section aria-labelledby="health-title" class="panel" data-testid="process-health">
      <h2 id="health-title">Health: the process figures’ trend</h2>
      <p>
        A process is not maintained: its health is its OEE and the factors under it. A machine that
        stops reporting counts as down.
      </p>
      {error && (
        <p class="notice" role="alert">
          {error}
        </p>
      )}
      {trend.times.length > 0 ? (
        <Chart
          title="OEE, availability, performance and quality (%)"
          times={trend.times}
          series={trend.series}
          summary={trend.summary}
          height={200}
        />
      ) : (
        <p data-testid="process-health-empty">{trend.summary}</p>
      )}
    </section>
  );
}

function MachineHealth({ twin }: { twin: TwinDetail }) {
  const [predictions, setPredictions] = useState<PredictionEntry[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const current = twin.maintenancePrediction;

  useEffect(() => {
    if (!current) return;
    const abort = new AbortController();
    api
      .all<PredictionEntry>(
        `/v1/twins/${encodeURIComponent(twin.twinId)}/maintenance/history`,
        'predictions',
        { limit: 100 },
        abort.signal,
      )
      .then((p) => {
        setPredictions(p);
        setError(undefined);
      })
      .catch((e: unknown) => !abort.signal.aborted && setError((e as Error).message));
    return () => abort.abort();
  }, [twin.twinId, current?.eventId]);

  const series = useMemo(() => healthSeries(predictions ?? []), [predictions]);
  if (!current) return null;
  const first = series.times[0];
  const last = series.times[series.times.length - 1];
  const span =
    first !== undefined && last !== undefined
      ? `from ${new Date(first).toLocaleString()} to ${new Date(last).toLocaleString()}`
      : '';
  const n = series.times.length;
  const rul = rulChart(series, span);
  return (
    <section aria-labelledby="health-title" class="panel">
      <h2 id="health-title">Health and maintenance</h2>
      <p data-testid="maintenance-recommendation">
        <strong>Recommendation:</strong> {recommendationText(current)} Work window{' '}
        <time dateTime={current.window.from}>{new Date(current.window.from).toLocaleString()}</time>{' '}
        to <time dateTime={current.window.to}>{new Date(current.window.to).toLocaleString()}</time>.
      </p>
      {error && (
        <p class="notice" role="alert">
          {error}
        </p>
      )}
      {n > 0 && (
        <div class="charts">
          <Chart
            title="Health index (100 = as new)"
            times={series.times}
            series={[{ label: 'health index', unit: '/100', values: series.health }]}
            summary={`${n} predictions ${span}; health index from ${format(series.health[0])} to ${format(series.health[n - 1])}.`}
            height={160}
          />
          <Chart
            title="Remaining useful life (hours): median, P10–P90 band shaded"
            times={series.times}
            series={rul.series}
            bands={rul.bands}
            summary={rul.summary}
            height={160}
          />
        </div>
      )}
      {can('operator') && <RecordMaintenance twin={twin} basis={current.basis} />}
    </section>
  );
}

// The domain's MAINTENANCE_KINDS, as a type-checked copy: importing a value from libs/domain
// would bundle its schemas (zod) into the page.
const KINDS: readonly MaintenanceKind[] = [
  'tool-replaced',
  'part-replaced',
  'repair',
  'inspection',
  'lubrication',
  'calibration',
];

/** "Record maintenance done": POST the command; the answer (or its error) is shown. */
function RecordMaintenance({ twin, basis }: { twin: TwinDetail; basis: string }) {
  const [kind, setKind] = useState<MaintenanceKind>('tool-replaced');
  const [reset, setReset] = useState(true);
  const [notes, setNotes] = useState('');
  // The plant's clock: the demo plant runs hours behind the wall clock, and a reset dated by the
  // wall clock would hide every later reading of the plant (older than the reset) from the twin.
  const [performedAt, setPerformedAt] = useState(() =>
    new Date(latestReadingMs(twin.reported) ?? Date.now()).toISOString(),
  );
  const performedMs = parseIsoTime(performedAt);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | undefined>();
  const canReset = Object.hasOwn(twin.reported, basis);

  const submit = (event: Event) => {
    event.preventDefault();
    if (performedMs === undefined) {
      setResult({ ok: false, text: 'Not recorded: the time must be an ISO time with a zone.' });
      return;
    }
    setBusy(true);
    setResult(undefined);
    api
      .recordMaintenance(twin.twinId, {
        kind,
        performedAt: new Date(performedMs).toISOString(),
        ...(reset && canReset ? { resets: [basis] } : {}),
        ...(notes.trim() ? { notes: notes.trim() } : {}),
      })
      .then((a: CommandAnswer) =>
        setResult({
          ok: true,
          text: `Recorded (${a.events.map((e) => e.type).join(', ') || 'no change'}); the twin is now at revision ${a.revision}.`,
        }),
      )
      .catch((e: unknown) =>
        setResult({ ok: false, text: `Not recorded: ${(e as Error).message}` }),
      )
      .finally(() => setBusy(false));
  };

  return (
    <form class="maintenance-form" onSubmit={submit} aria-labelledby="record-title">
      <h3 id="record-title">Record maintenance done</h3>
      <label>
        Kind{' '}
        <select
          value={kind}
          onChange={(e) => {
            const next = (e.target as HTMLSelectElement).value as MaintenanceKind;
            setKind(next);
            // A replacement or repair restores the part; an inspection or lubrication does not.
            setReset(next === 'tool-replaced' || next === 'part-replaced' || next === 'repair');
          }}
        >
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </label>
      {canReset && (
        <label>
          <input
            type="checkbox"
            checked={reset}
            onChange={(e) => setReset((e.target as HTMLInputElement).checked)}
          />{' '}
          Reset {basis}
        </label>
      )}
      <label>
        Performed at (plant time, ISO){' '}
        <input
          type="text"
          value={performedAt}
          aria-invalid={performedMs === undefined}
          onInput={(e) => setPerformedAt((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        Notes{' '}
        <input
          type="text"
          maxLength={2000}
          value={notes}
          onInput={(e) => setNotes((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit" disabled={busy} data-testid="record-maintenance">
        {busy ? 'Recording…' : 'Record maintenance done'}
      </button>
      {result && (
        <p role="status" class={result.ok ? 'ok' : 'notice'} data-testid="maintenance-result">
          {result.ok ? '✓ ' : '✗ '}
          {result.text}
        </p>
      )}
    </form>
  );
}
