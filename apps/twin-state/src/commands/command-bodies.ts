import { z } from 'zod';
import { MAINTENANCE_KINDS, TwinlogError } from '@twinlog/domain';

/** Request bodies of the command endpoints; a bad one is a 400 naming each bad field. */
const expectedRevision = z.number().int().nonnegative().optional();

export const registerBody = z
  .object({
    twinId: z.string(),
    twinType: z.string(),
    modelVersion: z.number().int().positive().optional(),
    parentId: z.string().optional(),
    site: z.string().min(1).max(100).optional(),
    name: z.string().min(1).max(200).optional(),
    commissionedAt: z.string().optional(),
  })
  .strict();

export const modelVersionBody = z
  .object({ version: z.number().int().positive(), expectedRevision })
  .strict();
export const limitsBody = z.object({ limits: z.unknown(), expectedRevision }).strict();
export const maintenanceBody = z
  .object({
    kind: z.enum(MAINTENANCE_KINDS),
    performedAt: z.string(),
    resets: z.array(z.string()).optional(),
    componentId: z.string().optional(),
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
