import { signal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, signOut } from '../auth/session';
import {
  openLiveStream,
  type LiveStream,
  type StreamMessage,
  type StreamStatus,
} from './live-stream';

/** The status of the page's stream, for the header's indicator. */
export const streamStatus = signal<StreamStatus>('paused');
let current: LiveStream | undefined;

/** Pauses or resumes the page's stream (the indicator's button). */
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

/**
 * The page's one connection to `GET /v1/stream`, with the page's filter; closed when the page
 * goes. `onResync`: the stream could not resume where it was (the log moved past it): reload.
 */
export function usePageStream(
  filter: StreamFilter,
  onMessage: (message: StreamMessage) => void,
  onResync: () => void,
  key: string,
): void {
  useEffect(() => {
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
      onStatus: (status) => (streamStatus.value = status),
      onUnauthorized: (message) => signOut(`Signed out: ${message}`),
    });
    current = stream;
    return () => {
      stream.close();
      if (current === stream) current = undefined;
    };
  }, [key]);
}
