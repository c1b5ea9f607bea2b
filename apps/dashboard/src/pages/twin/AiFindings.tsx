import { useEffect, useState } from 'preact/hooks';
import type { TwinDetail } from '../../api/types';
import { api } from '../../auth/session';
import { findingsOf, type AiFindingView } from './ai-findings';

const when = (iso: string) => new Date(iso).toLocaleString();
/** Findings come at most once per window (15 minutes by default): a slow poll is enough. */
const POLL_MS = 60_000;

/**
 * The opt-in AI second opinion's findings on the twin (AiFindingRecorded), labelled as such and
 * kept apart from the anomaly timeline: a language model's remark on a window of readings, not a
 * detection, never an alert. Shown only when there is one; fetched again when the twin's revision
 * moves and every minute (the live stream does not carry findings).
 */
export function AiFindings({ twin }: { twin: TwinDetail }) {
  const [findings, setFindings] = useState<AiFindingView[]>([]);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), POLL_MS);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    const abort = new AbortController();
    api
      .allEvents(twin.twinId, ['AiFindingRecorded'], abort.signal)
      .then((events) => setFindings(findingsOf(events)))
      // Not the page's business if this optional panel cannot load: it stays as it was.
      .catch(() => undefined);
    return () => abort.abort();
  }, [twin.twinId, twin.revision, tick]);

  if (findings.length === 0) return null;
  return (
    <section aria-labelledby="ai-findings-title" class="panel" data-testid="ai-findings">
      <h2 id="ai-findings-title">AI second opinion</h2>
      <p class="hint">
        A language model's remarks on windows of this twin's readings (opt-in). They are not
        anomalies and open no alert: check them against the charts.
      </p>
      <ol class="timeline" aria-label="AI second opinions, newest first">
        {findings.map((f) => (
          <li key={f.id} class="anomaly ai-finding" data-testid="ai-finding-item">
            <p class="anomaly-head">
              <strong class="sev">AI second opinion</strong> on {f.properties.join(', ')}
              <br />
              <small>
                readings from <time dateTime={f.from}>{when(f.from)}</time> to{' '}
                <time dateTime={f.to}>{when(f.to)}</time> · {f.model}
              </small>
            </p>
            <p>{f.summary}</p>
          </li>
        ))}
      </ol>
    </section>
  );
}
