import { useState } from 'preact/hooks';
import { acknowledgeAlert, assignAlert, resolveAlert } from '../../api/alerts';
import type { AlertView } from '../../api/types';
import { api } from '../../auth/session';
import { actionsFor, type AlertAction } from './alert-inbox';

const DONE: Record<AlertAction, string> = {
  acknowledge: 'Acknowledged',
  assign: 'Assigned',
  resolve: 'Resolved',
};

/**
 * An operator's actions on one alert: a note (optional) with Acknowledge or Resolve, or an
 * assignee with Assign. `onDone` gets the alert as the API answered it.
 */
export function AlertActions({
  alert,
  onDone,
}: {
  alert: AlertView;
  onDone: (alert: AlertView, said: string) => void;
}) {
  const [note, setNote] = useState('');
  const [assignee, setAssignee] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const actions = actionsFor(alert);
  if (actions.length === 0) return null;
  const id = alert.alertId;

  const act = async (action: AlertAction) => {
    setBusy(true);
    setError(undefined);
    try {
      const answer =
        action === 'acknowledge'
          ? await acknowledgeAlert(api, id, note.trim())
          : action === 'assign'
            ? await assignAlert(api, id, assignee.trim(), note.trim())
            : await resolveAlert(api, id, note.trim());
      setNote('');
      setAssignee('');
      onDone(answer, `${DONE[action]}: ${answer.title}. Status now ${answer.status}.`);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      class="alert-actions"
      aria-label={`Act on ${alert.title}`}
      onSubmit={(e) => e.preventDefault()}
    >
      <label>
        Note
        <input
          type="text"
          maxLength={4000}
          value={note}
          placeholder="optional"
          onInput={(e) => setNote((e.target as HTMLInputElement).value)}
        />
      </label>
      {actions.includes('acknowledge') && (
        <button
          type="button"
          data-testid="alert-acknowledge"
          disabled={busy}
          onClick={() => act('acknowledge')}
        >
          Acknowledge
        </button>
      )}
      {actions.includes('resolve') && (
        <button
          type="button"
          data-testid="alert-resolve"
          disabled={busy}
          onClick={() => act('resolve')}
        >
          Resolve
        </button>
      )}
      <label>
        Assignee
        <input
          type="text"
          maxLength={200}
          value={assignee}
          onInput={(e) => setAssignee((e.target as HTMLInputElement).value)}
        />
      </label>
      <button
        type="button"
        data-testid="alert-assign"
        disabled={busy || !assignee.trim()}
        onClick={() => act('assign')}
      >
        Assign
      </button>
      {error && (
        <p class="notice" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
