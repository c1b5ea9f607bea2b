import type { IncomingReading } from '@twinlog/domain';

const FIELDS = ['twinId', 'property', 'value', 'time', 'unit', 'readingId'] as const;
type Field = (typeof FIELDS)[number];

/** Where each reading field sits in an enterprise pipeline's record (dotted paths). */
export type FieldMapping = Record<Field, string[]>;

/** Parses the mapping setting; unmapped fields keep their own names. */
export function parseFieldMapping(json: string): FieldMapping {
  let given: unknown;
  try {
    given = JSON.parse(json);
  } catch (error) {
    throw new Error(`INGESTION_KAFKA_INPUT_MAPPING is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new Error(
      'INGESTION_KAFKA_INPUT_MAPPING must be a JSON object, e.g. {"twinId":"asset.id"}',
    );
  }
  const unknown = Object.keys(given).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new Error(
      `INGESTION_KAFKA_INPUT_MAPPING: unknown field(s) ${unknown.join(', ')}; known: ${FIELDS.join(', ')}`,
    );
  }
  const paths = given as Record<string, unknown>;
  return Object.fromEntries(
    FIELDS.map((field) => {
      const path = (Object.hasOwn(paths, field) ? paths[field] : undefined) ?? field;
      if (typeof path !== 'string' || path === '') {
        throw new Error(`INGESTION_KAFKA_INPUT_MAPPING.${field} must be a non-empty string path`);
      }
      return [field, path.split('.')];
    }),
  ) as FieldMapping;
}

/** A source record as an incoming reading; missing fields stay undefined for validation to name. */
export function mapRecord(record: unknown, mapping: FieldMapping): IncomingReading {
  const get = (path: string[]) =>
    path.reduce<unknown>(
      (node, key) =>
        // Own fields only: a path through `constructor` or `__proto__` finds nothing.
        typeof node === 'object' && node !== null && Object.hasOwn(node, key)
          ? (node as Record<string, unknown>)[key]
          : undefined,
      record,
    );
  const reading: IncomingReading = {
    twinId: get(mapping.twinId),
    property: get(mapping.property),
    value: get(mapping.value),
    time: get(mapping.time),
  };
  const unit = get(mapping.unit);
  const readingId = get(mapping.readingId);
  if (unit !== undefined && unit !== null) reading.unit = unit;
  // Pipelines often number their records: a numeric id is as good as a text one.
  if (readingId !== undefined && readingId !== null)
    reading.readingId = typeof readingId === 'number' ? String(readingId) : readingId;
  return reading;
}
