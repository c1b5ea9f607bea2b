import { TwinDirectory } from '@twinlog/read-models';
import type { Follow } from './service-definition';

/** The twin directory as a service keeps it: twin-events replayed, then followed (broadcast). */
export function twinDirectoryFollow(group: string): Follow<TwinDirectory> {
  return {
    what: 'twin directory',
    model: TwinDirectory,
    streams: ['twin-events'],
    group,
    fold: (directory, batch) => directory.apply(batch.map((r) => r.event)),
    summary: (directory, events) => `${directory.size} twins from ${events} events`,
  };
}
