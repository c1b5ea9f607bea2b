import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * JSON Schema (2020-12, as OpenAPI 3.1 takes it) of a zod schema: `input` for what a client
 * sends (query parameters before their transforms, bodies), `output` for what a route answers.
 * Schemas named with `.meta({ id })` become shared components, referenced where used.
 */
export class SchemaComponents {
  readonly schemas: Record<string, JsonSchema> = {};

  toJson(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const json = z.toJSONSchema(schema, {
      io,
      target: 'draft-2020-12',
      // A refinement or transform cannot be said in JSON Schema: the rest of the schema is.
      unrepresentable: 'any',
      reused: 'inline',
    }) as JsonSchema;
    const { $schema: _schema, $defs, ...rest } = json;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>))
      this.add(id, relinked(def) as JsonSchema);
    // A named schema comes back as a reference to its own definition.
    return relinked(rest) as JsonSchema;
  }

  private add(id: string, json: JsonSchema): void {
    const known = this.schemas[id];
    if (known && !isDeepStrictEqual(known, json))
      throw new Error(`Two different schemas are named ${id} (as input and output?)`);
    this.schemas[id] = json;
  }
}

/** zod refers to named schemas under `#/$defs/`; the document keeps them in its components. */
function relinked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relinked);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, v]) => [
      key,
      key === '$ref' && typeof v === 'string'
        ? v.replace(/^#\/\$defs\//, '#/components/schemas/')
        : relinked(v),
    ]),
  );
}
