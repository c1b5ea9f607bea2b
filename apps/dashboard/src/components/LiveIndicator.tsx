import { indicatorOf, type IndicatorStatus } from './live-indicator';

export type { IndicatorStatus } from './live-indicator';

/**
 * Says whether updates arrive: live, reconnecting (after a drop), paused, or stopped by the
 * server (with its reason); a button to pause or resume while the page has a stream to pause.
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
  const shown = indicatorOf(status, problem);
  return (
    <div class={`live live-${status}`}>
      <span role="status" aria-live="polite" data-testid="live-status">
        <span aria-hidden="true" class="dot" /> {shown.text}
      </span>
      {onToggle && shown.button && (
        <button type="button" class="quiet" onClick={onToggle}>
          {shown.button}
          <span class="visually-hidden"> live updates</span>
        </button>
      )}
    </div>
  );
}
