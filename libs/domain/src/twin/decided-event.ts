import type { TwinEvent } from '../events/twin-events';

/** A decided event and its event time; the log adds the rest of the envelope. */
export type DecidedEvent = TwinEvent & { occurredAt: string };
