import type { StreamStatus } from '../stream/live-stream';

/** The page's stream, or 'none' on a page that follows no stream. */
export type IndicatorStatus = StreamStatus | 'none';

const TEXT: Record<IndicatorStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  paused: 'Paused',
  stopped: 'Live updates stopped',
  none: 'No live updates on this page',
};

/**
 * Says whether updates arrive: live, reconnecting (after a drop), paused, or stopped by the
 * server (with its reason); a button to pause or resume only while the page has a stream to
 * pause (none on a page without one, none once the server refused it).
 */
export function LiveIndicator({
  status,
  problem,
  onToggle,
}: {
  status: IndicatorStatus;
  problem?: string | undefined;
  onToggle?: () => void;
}) {
  const toggles = onToggle && status !== 'none' && status !== 'stopped';
  return (
    <div class={`live live-${status}`}>
      <span role="status" aria-live="polite" data-testid="live-status">
        <span aria-hidden="true" class="dot" /> {TEXT[status]}
        {status === 'stopped' && problem ? `: ${problem}` : ''}
      </span>
      {toggles && (
        <button type="button" class="quiet" onClick={onToggle}>
          {status === 'paused' ? 'Resume' : 'Pause'}
          <span class="visually-hidden"> live updates</span>
        </button>
      )}
    </div>
  );
}
