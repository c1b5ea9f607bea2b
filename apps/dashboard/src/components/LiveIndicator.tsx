import type { StreamStatus } from '../stream/live-stream';

const TEXT: Record<StreamStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  paused: 'Paused',
};

/** Says whether updates arrive: live, reconnecting (after a drop) or paused; a button to pause or resume. */
export function LiveIndicator({
  status,
  onToggle,
}: {
  status: StreamStatus;
  onToggle?: () => void;
}) {
  return (
    <div class={`live live-${status}`}>
      <span role="status" aria-live="polite">
        <span aria-hidden="true" class="dot" /> {TEXT[status]}
      </span>
      {onToggle && (
        <button type="button" class="quiet" onClick={onToggle}>
          {status === 'paused' ? 'Resume' : 'Pause'}
          <span class="visually-hidden"> live updates</span>
        </button>
      )}
    </div>
  );
}
