import { DROPS_DOC } from './broker-drop-tally';

/** mosquitto's count of messages it dropped since it started (published retained, every sys_interval). */
export const DROPPED_TOPIC = '$SYS/broker/publish/messages/dropped';

export type BrokerWatchState = 'watching' | 'unknown' | 'off';

export interface BrokerDropStatus {
  state: BrokerWatchState;
  /** Why the state is unknown or off. */
  reason?: string;
  source: string;
  droppedTotal: number | null;
  droppedSinceStart: number;
  lastDropAt: string | null;
  lastReadAt: string | null;
  /** Messages (and their payload bytes) the broker holds: queued for clients, and retained. */
  stored: { messages: number | null; bytes: number | null };
}

/** Plain sentences for an operator: drops seen, or why drops cannot be seen. */
export function brokerDropWarnings(s: BrokerDropStatus): string[] {
  const out: string[] = [];
  if (s.droppedSinceStart > 0)
    out.push(
      `The MQTT broker dropped ${s.droppedSinceStart.toLocaleString('en-US')} messages since this ingestion instance started, the last at ${s.lastDropAt}: a subscriber's queue was full (max_queued_messages / max_queued_bytes) or a client too slow; see ${DROPS_DOC}.`,
    );
  const before = (s.droppedTotal ?? 0) - s.droppedSinceStart;
  if (before > 0)
    out.push(
      `The MQTT broker reports ${before.toLocaleString('en-US')} messages dropped before this ingestion instance watched (since the broker started).`,
    );
  if (s.state === 'unknown')
    out.push(`Messages the MQTT broker drops cannot be seen: ${s.reason}.`);
  return out;
}
