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
 * What the header's indicator says, and its button: Pause or Resume only while the page has a
 * stream to pause (none on a page without one, none once the server refused it for good).
 */
export function indicatorOf(
  status: IndicatorStatus,
  problem: string | undefined,
): { text: string; button: 'Pause' | 'Resume' | undefined } {
  const text = status === 'stopped' && problem ? `${TEXT.stopped}: ${problem}` : TEXT[status];
  if (status === 'none' || status === 'stopped') return { text, button: undefined };
  return { text, button: status === 'paused' ? 'Resume' : 'Pause' };
}
