import { z } from 'zod';
import { MAINTENANCE_KINDS, TwinlogError } from '@twinlog/domain';

/**
 * Request bodies of the command endpoints; a bad one is a 400 naming each bad field. Every field
 * is bounded here, so the event schema behind the decider never answers a caller (EVENT_INVALID).
 */
const expectedRevision = z.number().int().nonnegative().optional();
/** Another twin's id: at most as long as any twin id can be (the decider's TWIN_ID). */
const twinRef = z.string().min(1).max(128);
/** A model's type or a property's name. */
const name = z.string().min(1).max(200);
/**
 * Times are parsed by the decider, so every form that is not a time (a number included, as
 * docs/twin-models.md says) is a 422 TIMESTAMP_IMPLAUSIBLE; its parser bounds the length.
 */
const time = z.union([z.string(), z.number()]);

export const registerBody = z
  .object({
    twinId: z.string(),
    twinType: name,
    modelVersion: z.number().int().positive().optional(),
    parentId: twinRef.optional(),
    site: z.string().min(1).max(200).optional(),
    name: z.string().min(1).max(200).optional(),
    commissionedAt: time.optional(),
  })
  .strict();

export const modelVersionBody = z
  .object({ version: z.number().int().positive(), expectedRevision })
  .strict();
export const limitsBody = z.object({ limits: z.unknown(), expectedRevision }).strict();
export const maintenanceBody = z
  .object({
    kind: z.enum(MAINTENANCE_KINDS),
    performedAt: time,
    resets: z.array(name).max(100).optional(),
    componentId: twinRef.optional(),
    notes: z.string().max(2000).optional(),
    expectedRevision,
  })
  .strict();
export const retireBody = z
  .object({ reason: z.string().min(1).max(500), expectedRevision })
  .strict();

export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new TwinlogError('COMMAND_INVALID', 'The request body is not a valid command', {
    problems: result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`),
  });
}

/** What every command answers: the events it recorded and the twin's revision after it. */
export const COMMAND_ANSWER = z.object({
  twinId: z.string(),
  revision: z.number().int().nonnegative(),
  events: z.array(z.object({ id: z.string(), type: z.string() })),
  replayed: z
    .literal(true)
    .optional()
    .describe('The Idempotency-Key named a command applied before: this is its answer again'),
});
