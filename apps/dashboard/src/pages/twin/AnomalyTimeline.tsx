import { useEffect, useState } from 'preact/hooks';
import type { TwinDetail } from '../../api/types';
import { api } from '../../auth/session';
import { AnomalyExplanation, useExplanations } from './AnomalyExplanation';
import { format, quantity } from '../../components/number-format';
import {
  deviationText,
  episodesOf,
  raisedText,
  evidenceText,
  expectedText,
  type AnomalyEpisode,
} from './anomalies';

const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * The twin's anomalies, newest first, from its AnomalyDetected / AnomalyEscalated /
 * AnomalyCleared events: each with its detector, its current severity (in words) and when it
 * was raised to it, when it opened and cleared, and its evidence
 * (observed against expected, with the expected range). Refetched when the twin's revision
 * moves (a detection or a clearing is a twin event) or its set of open anomalies changes.
 */
export function AnomalyTimeline({ twin }: { twin: TwinDetail }) {
  const [episodes, setEpisodes] = useState<AnomalyEpisode[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const explanations = useExplanations(twin.twinId, twin.revision);

  useEffect(() => {
    const abort = new AbortController();
    api
      .allEvents(
        twin.twinId,
        ['AnomalyDetected', 'AnomalyEscalated', 'AnomalyCleared'],
        abort.signal,
      )
      .then((events) => {
        setEpisodes(episodesOf(events));
        setError(undefined);
      })
      .catch((e: unknown) => !abort.signal.aborted && setError((e as Error).message));
    return () => abort.abort();
  }, [
    twin.twinId,
    twin.revision,
    Object.entries(twin.activeAnomalies)
      .map(([id, a]) => `${id}=${a.severity}`)
      .sort()
      .join(),
  ]);

  const unitOf = (property: string) =>
    Object.hasOwn(twin.reported, property) ? twin.reported[property]!.unit : '';

  return (
    <section aria-labelledby="anomalies-title" class="panel">
      <h2 id="anomalies-title">Anomaly timeline</h2>
      {error && (
        <p class="notice" role="alert">
          {error}
        </p>
      )}
      {episodes === undefined && !error && <p role="status">Loading anomalies…</p>}
      {episodes?.length === 0 && <p>No anomalies.</p>}
      {episodes && episodes.length > 0 && (
        <ol class="timeline" aria-label="Anomalies, newest first">
          {episodes.map((a) => (
            <li
              key={a.episodeId}
              class={`anomaly sev-${a.severity}`}
              data-testid="anomaly-item"
              data-episode={a.episodeId}
            >
              <p class="anomaly-head">
                <strong class="sev">{a.severity}</strong>{' '}
                <span class={a.clearedAt ? 'state-closed' : 'state-open'}>
                  {a.clearedAt ? '✓ cleared' : '● open'}
                </span>{' '}
                {a.detector} on {a.properties.join(', ')}
                {Number.isFinite(a.score) && <> (score {format(a.score)})</>}
                <br />
                <small>
                  {a.raised.map((r) => (
                    <span key={r.at} data-testid="anomaly-raised">
                      {raisedText(r.severity)} <time dateTime={r.at}>{when(r.at)}</time>
                      {', '}
                    </span>
                  ))}
                  from <time dateTime={a.openedAt}>{when(a.openedAt)}</time>
                  {a.clearedAt && (
                    <>
                      {' '}
                      to <time dateTime={a.clearedAt}>{when(a.clearedAt)}</time>
                    </>
                  )}
                </small>
              </p>
              {a.evidence.length > 0 ? (
                <table class="evidence" data-testid="anomaly-evidence">
                  <caption class="visually-hidden">
                    Evidence:{' '}
                    {a.evidence.map((e) => evidenceText(e, unitOf(e.property))).join('; ')}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Property</th>
                      <th scope="col">Observed</th>
                      <th scope="col">Expected</th>
                      <th scope="col">Deviation</th>
                    </tr>
                  </thead>
                  <tbody>
                    {a.evidence.map((e, i) => (
                      <tr key={`${e.property}-${i}`}>
                        <th scope="row">{e.property}</th>
                        <td class="num">{quantity(e.observed, unitOf(e.property))}</td>
                        <td>{expectedText(e, unitOf(e.property))}</td>
                        <td>{deviationText(e) || '—'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <p data-testid="anomaly-evidence">No evidence recorded.</p>
              )}
              <AnomalyExplanation
                episodeId={a.episodeId}
                recorded={explanations?.get(a.episodeId)}
              />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
