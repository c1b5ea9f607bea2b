import { useEffect, useState } from 'preact/hooks';
import type { AuditEntry } from '../../api/types';
import { api } from '../../auth/session';
import { ACTION_TYPES, whatText, whoText } from './audit-text';

/**
 * The twin's audit trail, in log order, a page at a time (`next`): who did what and when.
 * By default the actions (readings left out); a checkbox shows every event.
 */
export function AuditTrail({ twinId, revision }: { twinId: string; revision: number }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [everything, setEverything] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const types = everything ? undefined : ACTION_TYPES;

  const load = (cursor: string | undefined, signal?: AbortSignal) => {
    setBusy(true);
    return api
      .events(twinId, { types, limit: 50, cursor }, signal)
      .then((page) => {
        setEntries((old) => (cursor ? [...old, ...page.events] : page.events));
        setNext(page.next);
        setError(undefined);
      })
      .catch((e: unknown) => !signal?.aborted && setError((e as Error).message))
      .finally(() => setBusy(false));
  };

  // The first page again when the twin changes (a new action may be on it) or the filter does.
  useEffect(() => {
    const abort = new AbortController();
    void load(undefined, abort.signal);
    return () => abort.abort();
  }, [twinId, revision, everything]);

  return (
    <section aria-labelledby="audit-title" class="panel">
      <h2 id="audit-title">Audit trail</h2>
      <label>
        <input
          type="checkbox"
          checked={everything}
          onChange={(e) => setEverything((e.target as HTMLInputElement).checked)}
        />{' '}
        Show every event (readings too)
      </label>
      {error && (
        <p class="notice" role="alert">
          {error}
        </p>
      )}
      {entries.length === 0 && !busy && !error && <p>No events.</p>}
      {entries.length > 0 && (
        <table class="audit" data-testid="audit-trail">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">When (recorded)</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-entry">
                <td class="num">{e.position}</td>
                <td>
                  <time dateTime={e.recordedAt}>{new Date(e.recordedAt).toLocaleString()}</time>
                </td>
                <td>{whoText(e)}</td>
                <td>{whatText(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next && (
        <button type="button" disabled={busy} onClick={() => void load(next)}>
          {busy ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
