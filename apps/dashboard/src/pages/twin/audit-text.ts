import type { TwinEventType } from '@twinlog/domain';

/** What an audit entry did, in a few words, from its type and payload. */
export interface AuditLike {
  type: string;
  actor: string | null;
  producer: string;
  data: unknown;
}

/** The trail's default: what people and services did, without the readings themselves. */
export const ACTION_TYPES: readonly TwinEventType[] = [
  'TwinRegistered',
  'ChildAttached',
  'ModelVersionChanged',
  'LimitsChanged',
  'MaintenancePerformed',
  'TwinRetired',
  'AnomalyDetected',
  'AnomalyEscalated',
  'AnomalyCleared',
  // The AI layer's notes (docs/ai.md): an explanation someone asked for (and paid for), and
  // the second opinion's findings, labelled as the model's.
  'AnomalyExplained',
  'AiFindingRecorded',
  'SimulationRequested',
  'AlertOpened',
  'AlertAcknowledged',
  'AlertAssigned',
  'AlertEscalated',
  'AlertResolved',
  'AlertReopened',
];

/** Who: the caller that acted (`key:…`, `token:…`), else the service that produced the event. */
export function whoText(entry: AuditLike): string {
  return entry.actor ?? `${entry.producer} (automatic)`;
}

function field(data: unknown, name: string): unknown {
  return typeof data === 'object' && data !== null
    ? (data as Record<string, unknown>)[name]
    : undefined;
}

/** A model's text runs to 1,000 characters: the trail shows its start (the twin page, all of it). */
const CLIP = 160;
const clip = (text: string) => (text.length > CLIP ? `${text.slice(0, CLIP - 1)}…` : text);

export function whatText(entry: AuditLike): string {
  const d = entry.data;
  const s = (name: string) => {
    const v = field(d, name);
    return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
  };
  switch (entry.type) {
    case 'TwinRegistered':
      return `registered as ${s('twinType')}${s('parentId') ? ` under ${s('parentId')}` : ''}`;
    case 'ChildAttached':
      return `${s('childId')} attached`;
    case 'ModelVersionChanged':
      return `model version ${s('from')} → ${s('to')}`;
    case 'LimitsChanged':
      return `limits of ${s('property')} changed`;
    case 'MaintenancePerformed': {
      const resets = field(d, 'resets');
      const list = Array.isArray(resets) && resets.length > 0 ? `, reset ${resets.join(', ')}` : '';
      return `maintenance: ${s('kind')}${list}${s('notes') ? ` (“${s('notes')}”)` : ''}`;
    }
    case 'TwinRetired':
      return `retired: ${s('reason')}`;
    case 'AnomalyDetected':
      return `anomaly (${s('severity')}) by ${s('detector')}`;
    case 'AnomalyEscalated':
      return `anomaly raised to ${s('severity')} (${s('detector')})`;
    case 'AnomalyCleared':
      return `anomaly cleared (${s('detector')})`;
    case 'AnomalyExplained':
      return `anomaly explained by the AI model ${s('model')}: “${clip(s('summary'))}”`;
    case 'AiFindingRecorded': {
      const properties = field(d, 'properties');
      const list = Array.isArray(properties) ? properties.join(', ') : '';
      return `AI second opinion (${s('model')}, not an anomaly)${list ? ` on ${list}` : ''}: “${clip(s('summary'))}”`;
    }
    case 'TelemetryReported': {
      const readings = field(d, 'readings');
      return `${Array.isArray(readings) ? readings.length : 0} reading(s)`;
    }
    case 'SimulationRequested': {
      // A what-if asked in plain words (docs/ai.md) says so, with the words.
      const ask = field(field(d, 'ask'), 'text');
      const label = s('label') ? ` “${s('label')}”` : '';
      return `what-if run${label}${typeof ask === 'string' ? `, asked in words: “${ask}”` : ''}`;
    }
    case 'AlertAcknowledged':
      return `alert ${s('alertId')} acknowledged${s('note') ? ` (“${s('note')}”)` : ''}`;
    case 'AlertAssigned':
      return `alert ${s('alertId')} assigned to ${s('assignee')}`;
    default:
      return s('alertId') ? `${entry.type} (${s('alertId')})` : entry.type;
  }
}
