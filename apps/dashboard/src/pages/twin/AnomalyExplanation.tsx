import { useEffect, useState } from 'preact/hooks';
import { explainAnomaly } from '../../api/client';
import { ApiError } from '../../api/api-error';
import type { RecordedExplanation as Explanation } from '../../api/types';
import { api, can } from '../../auth/session';
import { useAiStatus } from '../use-ai-status';
import {
  explainButtonText,
  explainErrorText,
  explanationByline,
  latestExplanations,
} from './explanation';

const when = (iso: string) => new Date(iso).toLocaleString();

/**
 * The recorded explanations of a twin's episodes, by episode id: one request for the whole
 * timeline, again when the twin's revision moves (an AnomalyExplained moves it). Undefined
 * until read, or when the read failed (the timeline then shows none).
 */
export function useExplanations(
  twinId: string,
  revision: number,
): Map<string, Explanation> | undefined {
  const [found, setFound] = useState<Map<string, Explanation> | undefined>();
  useEffect(() => {
    const abort = new AbortController();
    api.allEvents(twinId, ['AnomalyExplained'], abort.signal).then(
      (events) => !abort.signal.aborted && setFound(latestExplanations(events)),
      () => undefined,
    );
    return () => abort.abort();
  }, [twinId, revision]);
  return found;
}

/**
 * An anomaly's AI explanation in the timeline (docs/ai.md): the recorded one when there is one,
 * labelled as the model's, and an "Explain" button for operators when AI is on. Its texts are
 * rendered as text, never as markup.
 */
export function AnomalyExplanation({
  episodeId,
  recorded,
}: {
  episodeId: string;
  recorded: Explanation | undefined;
}) {
  const [asked, setAsked] = useState<Explanation | undefined>();
  // Twin-state explains: its process's status says whether to offer it.
  const offer = useAiStatus('twin-state')?.enabled === true && can('operator');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  // The newer of the one just asked for and the recorded one.
  const explanation =
    asked && (!recorded || asked.explainedAt >= recorded.explainedAt) ? asked : recorded;

  const explain = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setAsked(await explainAnomaly(api, episodeId, explanation !== undefined));
    } catch (e) {
      setError(e instanceof ApiError ? explainErrorText(e.code, e.message) : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (!explanation && !offer && !error) return null;
  return (
    <div class="anomaly-explanation" data-testid="anomaly-explanation">
      {explanation && (
        <>
          <p class="byline">
            <small>{explanationByline(explanation, when)}</small>
          </p>
          <p data-testid="explanation-summary">{explanation.summary}</p>
          {explanation.likelyCauses.length > 0 && (
            <>
              <h3>Likely causes</h3>
              <ol>
                {explanation.likelyCauses.map((c, i) => (
                  <li key={i}>
                    <strong>{c.cause}</strong>: {c.why}
                  </li>
                ))}
              </ol>
            </>
          )}
          {explanation.checkFirst.length > 0 && (
            <>
              <h3>Check first</h3>
              <ul>
                {explanation.checkFirst.map((c, i) => (
                  <li key={i}>{c}</li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
      {offer && (
        <button
          type="button"
          data-testid="anomaly-explain"
          onClick={() => void explain()}
          disabled={busy}
          aria-busy={busy}
        >
          {explainButtonText(busy, explanation !== undefined)}
        </button>
      )}
      {error && (
        <p class="notice" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
