import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, signOut } from '../auth/session';
import type { IndicatorStatus } from '../components/live-indicator';
import { openLiveStream, type LiveStream, type StreamMessage } from './live-stream';

/** The status of the page's stream, for the header's indicator ('none': the page has none). */
export const streamStatus = signal<IndicatorStatus>('none');
/** Why the server refused the stream (a 400, 403 or 404), in its words, while it is stopped. */
export const streamProblem = signal<string | undefined>(undefined);
let current: LiveStream | undefined;

/** Pauses or resumes the page's stream (the indicator's button); nothing without one. */
export function toggleStream(): void {
  if (!current) return;
  if (current.status === 'paused') current.resume();
  else current.pause();
}

export interface StreamFilter {
  twin?: string;
  subtree?: boolean;
  site?: string;
  types?: readonly string[];
}

const PLAINLY: Record<number, string> = {
  403: 'you may not follow this',
  404: 'no such twin to follow',
};

/**
 * The page's one connection to `GET /v1/stream`, with the page's filter; closed when the page
 * goes, or while `key` is undefined (e.g. the twin answered 4xx: nothing to follow).
 * `onResync`: the stream could not resume where it was (the log moved past it): reload.
 */
export function usePageStream(
  filter: StreamFilter,
  onMessage: (message: StreamMessage) => void,
  onResync: () => void,
  key: string | undefined,
): void {
  useEffect(() => {
    if (key === undefined) return;
    streamProblem.value = undefined;
    // Set once openLiveStream returns (it reports its first status before): until then, and
    // while it is the page's stream, its status is the indicator's.
    let opened: LiveStream | undefined = undefined;
    const stream = openLiveStream({
      url: api.url('/v1/stream', {
        twin: filter.twin,
        subtree: filter.subtree ? true : undefined,
        site: filter.site,
        types: filter.types,
      }),
      headers: () => api.headers(),
      onMessage,
      onResync,
      onStatus: (status) => {
        if (opened === undefined || current === opened) streamStatus.value = status;
      },
      onStopped: (status, message) => {
        streamProblem.value = PLAINLY[status] ? `${PLAINLY[status]} (${message})` : message;
      },
      onUnauthorized: (message) => signOut(`Signed out: ${message}`),
    });
    opened = stream;
    current = stream;
    streamStatus.value = stream.status;
    return () => {
      stream.close();
      if (current === stream) {
        current = undefined;
        streamStatus.value = 'none';
        streamProblem.value = undefined;
      }
    };
  }, [key]);
}
