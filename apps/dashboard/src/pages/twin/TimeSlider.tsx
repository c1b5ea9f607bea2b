import { useEffect, useState } from 'preact/hooks';
import type {
  DiffAnswer,
  HistoryAnswer,
  StateChangeEntry,
  SubtreeDiffAnswer,
  TwinDetail,
} from '../../api/types';
import { api } from '../../auth/session';
import { StatusBadge } from '../../components/StatusBadge';
import { setQuery } from '../../router/router';
import { LiveValues } from './LiveValues';
import { diffLines } from './state-diff';
import { parseIsoTime } from './time-range';
import {
  agoText,
  clampMoment,
  commitMove,
  momentAt,
  positionOf,
  SLIDER_STEPS,
  sliderSpan,
} from './time-slider';

const when = (ms: number) => new Date(ms).toLocaleString();

/**
 * Drag to a moment between the twin's registration and now and see the twin (or, with the
 * toggle, its whole subtree) as it was then (`GET /history?at=`), with what changed since
 * (`GET /diff?from=at&to=now`, with `subtree=true` for every twin of the subtree, grouped by twin). The moment is `at` in the URL (`subtree=true` too): shareable.
 * A native range input: arrows, Page Up/Down, Home and End move it; the URL changes when the
 * drag ends (or at each key), not at every pixel.
 */
export function TimeSlider({ twin, query }: { twin: TwinDetail; query: Record<string, string> }) {
  // The span's end, and what "changed since" compares with: both move to the time of each
  // committed move (the page stays live), and the span's end also when a drag starts.
  const [nowMs, setNowMs] = useState(() => Date.now());
  const [toMs, setToMs] = useState(nowMs);
  const span = sliderSpan(twin.registeredAt, nowMs);
  const atMs = clampMoment(span, parseIsoTime(query.at));
  const subtree = query.subtree === 'true';
  const [dragging, setDragging] = useState<number | undefined>();
  const [past, setPast] = useState<HistoryAnswer | undefined>();
  const [diff, setDiff] = useState<DiffAnswer | SubtreeDiffAnswer | undefined>();
  const [error, setError] = useState<string | undefined>();
  const shownMs = dragging ?? atMs ?? span.endMs;
  const position = positionOf(span, shownMs);

  useEffect(() => {
    setPast(undefined);
    setDiff(undefined);
    if (atMs === undefined) return;
    const abort = new AbortController();
    const at = new Date(atMs).toISOString();
    const to = new Date(toMs).toISOString();
    Promise.all([
      api.history(twin.twinId, at, subtree, abort.signal),
      atMs >= toMs
        ? Promise.resolve(undefined)
        : subtree
          ? api.subtreeDiff(twin.twinId, at, to, abort.signal)
          : api.diff(twin.twinId, at, to, abort.signal),
    ])
      .then(([h, d]) => {
        setPast(h);
        setDiff(d);
        setError(undefined);
      })
      .catch((e: unknown) => !abort.signal.aborted && setError((e as Error).message));
    return () => abort.abort();
  }, [twin.twinId, atMs, subtree, toMs]);

  const commit = (pos: number) => {
    setDragging(undefined);
    const moved = commitMove(span, pos, twin.registeredAt, Date.now());
    setNowMs(moved.span.endMs);
    setToMs(moved.toMs);
    setQuery(
      { at: moved.atMs === undefined ? undefined : new Date(moved.atMs).toISOString() },
      { commit: true },
    );
  };
  // A drag starts: the span reaches the present (not while dragging: the thumb would move).
  const refreshSpan = () => {
    if (dragging === undefined && Date.now() - nowMs >= 1_000) setNowMs(Date.now());
  };

  const valueText = `${when(shownMs)}, ${agoText(shownMs, span.endMs)} before now`;
  return (
    <section aria-labelledby="slider-title" class="panel">
      <h2 id="slider-title">Time travel</h2>
      <div class="slider-row">
        <label for="time-slider">Moment</label>
        <input
          id="time-slider"
          data-testid="time-slider"
          type="range"
          min={0}
          max={SLIDER_STEPS}
          step={1}
          value={position}
          aria-valuetext={valueText}
          onPointerDown={refreshSpan}
          onFocus={refreshSpan}
          onInput={(e) => setDragging(momentAt(span, Number((e.target as HTMLInputElement).value)))}
          onChange={(e) => commit(Number((e.target as HTMLInputElement).value))}
        />
        <output for="time-slider" aria-live="polite">
          {atMs === undefined && dragging === undefined ? 'Now (live)' : valueText}
        </output>
      </div>
      <div class="slider-row">
        <span>
          <time dateTime={new Date(span.startMs).toISOString()}>{when(span.startMs)}</time>{' '}
          (registered)
          {' … '}now
        </span>
        <label>
          <input
            type="checkbox"
            checked={subtree}
            onChange={(e) =>
              setQuery(
                { subtree: (e.target as HTMLInputElement).checked ? 'true' : undefined },
                { commit: true },
              )
            }
          />{' '}
          Whole subtree
        </label>
        {atMs !== undefined && (
          <button type="button" onClick={() => setQuery({ at: undefined }, { commit: true })}>
            Back to now
          </button>
        )}
      </div>
      {error && (
        <p class="notice" role="alert">
          {error}
        </p>
      )}
      {atMs !== undefined && !past && !error && (
        <p role="status">Loading the state at {when(atMs)}…</p>
      )}
      {atMs !== undefined && past && (
        <div data-testid="state-as-of" data-at={past.at}>
          <h3>
            As of <time dateTime={past.at}>{new Date(past.at).toLocaleString()}</time>
            {subtree ? ' (subtree)' : ''}
          </h3>
          {'state' in past ? (
            <PastTwin twin={past.state} />
          ) : (
            past.twins.map((t) => (
              <div key={t.twinId}>
                <h4>{t.twinId}</h4>
                <PastTwin twin={t} />
              </div>
            ))
          )}
          <h3>Changed since then</h3>
          {diff && 'twins' in diff ? (
            <SubtreeDiffList diff={diff} />
          ) : (
            <DiffList changes={diff?.changes} />
          )}
        </div>
      )}
    </section>
  );
}

function PastTwin({ twin }: { twin: TwinDetail }) {
  return (
    <>
      <p>
        {twin.twinType} ({twin.level}), revision {twin.revision}:{' '}
        <StatusBadge status={twin.status === 'retired' ? 'retired' : twin.health.status} />
        {Object.keys(twin.activeAnomalies).length > 0 &&
          ` · ${Object.keys(twin.activeAnomalies).length} open anomalies`}
      </p>
      <LiveValues twin={twin} testIds={false} />
    </>
  );
}

function DiffList({
  changes,
  testId = 'state-diff',
}: {
  changes: readonly StateChangeEntry[] | undefined;
  testId?: string;
}) {
  if (!changes) return <p>Nothing to compare (that moment is now).</p>;
  const lines = diffLines(changes);
  if (lines.length === 0) return <p>Nothing changed.</p>;
  return (
    <ul class="diff" data-testid={testId}>
      {lines.map((l) => (
        <li key={l.path} class={`diff-${l.kind}`}>
          <span class="diff-kind">
            {l.kind === 'added' ? '+' : l.kind === 'removed' ? '−' : '~'}
          </span>{' '}
          {l.text}
        </li>
      ))}
    </ul>
  );
}

const CHANGE_TEXT = { added: 'added to the subtree', removed: 'no longer in the subtree' };

/** The subtree's changes grouped by twin: each twin's own list, or that it came or went. */
function SubtreeDiffList({ diff }: { diff: SubtreeDiffAnswer }) {
  return (
    <div data-testid="subtree-diff">
      <p>
        {diff.twins.length === 0
          ? `Nothing changed in the ${diff.compared} twins compared.`
          : `${diff.twins.length} of the ${diff.compared} twins compared changed.`}
        {diff.truncated &&
          ' The subtree is larger than the server compares at once: only the twins nearest this one are shown; open a twin lower down for the rest.'}
      </p>
      {diff.twins.map((t) => (
        <section key={t.twinId} data-testid="subtree-diff-twin" data-twin={t.twinId}>
          <h4>
            <a href={`/twins/${encodeURIComponent(t.twinId)}`}>{t.twinId}</a>
            {t.name ? ` “${t.name}”` : ''} ({t.level})
            {t.change !== 'changed' && `: ${CHANGE_TEXT[t.change]}`}
          </h4>
          {t.change === 'changed' && <DiffList changes={t.changes} testId="state-diff" />}
        </section>
      ))}
    </div>
  );
}
