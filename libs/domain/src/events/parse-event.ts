import { TwinlogError } from '../errors';
import { envelopeSchema, EVENT_DATA_SCHEMAS } from './event-schemas';
import { CURRENT_SCHEMA_VERSION, type EventEnvelope, type TwinEventType } from './twin-events';
import { upcast, type RawEvent } from './upcasters';

function isKnownType(type: string): type is TwinEventType {
  return Object.hasOwn(CURRENT_SCHEMA_VERSION, type);
}

/**
 * Validates an event read from any log, upcasting older schema versions first. Every event
 * that enters a projection passes through here; what fails is a poison message for the caller
 * to dead-letter, with a reason that names the field.
 */
export function parseEvent(raw: unknown): EventEnvelope {
  const envelope = envelopeSchema.safeParse(raw);
  if (!envelope.success) {
    throw new TwinlogError(
      'EVENT_INVALID',
      `Event envelope invalid: ${describe(envelope.error.issues)}`,
      {
        issues: envelope.error.issues,
      },
    );
  }
  const { type } = envelope.data;
  if (!isKnownType(type))
    throw new TwinlogError('EVENT_INVALID', `Unknown event type "${type}"`, { type });
  const target = CURRENT_SCHEMA_VERSION[type];
  if (envelope.data.schemaVersion > target) {
    throw new TwinlogError(
      'EVENT_VERSION_UNSUPPORTED',
      `${type} v${envelope.data.schemaVersion} is newer than this build understands (v${target}); upgrade the reader`,
      { type, schemaVersion: envelope.data.schemaVersion },
    );
  }
  const lifted = upcast(envelope.data as RawEvent, target);
  if (lifted.schemaVersion !== target) {
    throw new TwinlogError(
      'EVENT_VERSION_UNSUPPORTED',
      `No upcaster for ${type} v${lifted.schemaVersion}`,
      { type },
    );
  }
  const data = EVENT_DATA_SCHEMAS[type].safeParse(lifted.data);
  if (!data.success) {
    throw new TwinlogError(
      'EVENT_INVALID',
      `${type} payload invalid: ${describe(data.error.issues)}`,
      { type, issues: data.error.issues },
    );
  }
  return { ...lifted, data: data.data } as EventEnvelope;
}

function describe(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ');
}
