import type { EventLog } from '@twinlog/event-log';
import type { TwinStateConfig } from '../config/twin-state.config';
import { TwinOwnership } from '../replicas/twin-ownership';
import { WholeDirectory } from '../replicas/whole-directory';

/** The ownership of a twin-state that is the only replica (the default): it holds every twin. */
export function oneReplica(log: EventLog): TwinOwnership {
  return new TwinOwnership(
    log,
    { replicas: { shared: false, handoverWaitMs: 0 } } as TwinStateConfig,
    new WholeDirectory(),
  );
}
